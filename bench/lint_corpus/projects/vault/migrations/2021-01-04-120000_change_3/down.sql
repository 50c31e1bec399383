DROP TABLE v_products;
