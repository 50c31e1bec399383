ALTER TABLE v_cart_items ALTER COLUMN external_ref TYPE varchar(64);
