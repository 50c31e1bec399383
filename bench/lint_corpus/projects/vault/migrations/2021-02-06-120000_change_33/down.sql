ALTER TABLE v_cart_items DROP COLUMN description;
