ALTER TABLE orders_1 DROP COLUMN amount_cents;
ALTER TABLE cart_items ADD COLUMN position integer;
