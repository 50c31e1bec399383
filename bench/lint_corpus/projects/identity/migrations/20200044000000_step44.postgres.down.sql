ALTER TABLE id_order_items DROP COLUMN email;
