ALTER TABLE v_cart_items DROP COLUMN external_ref;
