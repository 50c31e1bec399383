DROP TABLE id_carts;
