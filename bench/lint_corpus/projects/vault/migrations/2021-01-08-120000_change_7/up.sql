ALTER TABLE v_orders ADD COLUMN v_customer_link_id bigint;
ALTER TABLE v_orders ADD CONSTRAINT v_orders_v_customer_link_id_fkey FOREIGN KEY (v_customer_link_id) REFERENCES v_customers (id) NOT VALID;
