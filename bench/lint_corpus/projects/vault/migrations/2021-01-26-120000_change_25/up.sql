ALTER TABLE v_cart_items ADD COLUMN v_order_link_id bigint;
ALTER TABLE v_cart_items ADD CONSTRAINT v_cart_items_v_order_link_id_fkey FOREIGN KEY (v_order_link_id) REFERENCES v_orders (id) NOT VALID;
