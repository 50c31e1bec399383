ALTER TABLE v_cart_items DROP COLUMN v_order_link_id;
