ALTER TABLE v_cart_items ALTER COLUMN status TYPE varchar(32);
ALTER TABLE v_payments DROP COLUMN public_id;
DROP TABLE v_cart_items;
DROP TABLE v_carts;
