DROP TABLE id_products;
