ALTER TABLE v_cart_items ADD COLUMN description text;
