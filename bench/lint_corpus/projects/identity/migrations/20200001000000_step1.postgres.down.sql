DROP TABLE id_orders;
