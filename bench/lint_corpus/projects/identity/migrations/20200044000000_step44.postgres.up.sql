ALTER TABLE id_order_items ADD COLUMN email varchar(255);
