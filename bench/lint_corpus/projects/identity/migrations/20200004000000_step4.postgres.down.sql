DROP TABLE id_categories;
