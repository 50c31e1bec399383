ALTER TABLE id_payments DROP COLUMN priority;
DROP TABLE id_cart_items;
