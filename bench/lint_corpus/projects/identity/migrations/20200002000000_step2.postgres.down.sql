DROP TABLE id_order_items;
