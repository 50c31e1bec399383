DROP TABLE v_categories;
