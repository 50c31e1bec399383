ALTER TABLE v_cart_items ADD COLUMN external_ref varchar(128);
