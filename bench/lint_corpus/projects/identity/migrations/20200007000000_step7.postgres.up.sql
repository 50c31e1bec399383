ALTER TABLE id_order_items ADD COLUMN id_customer_link_id bigint;
ALTER TABLE id_order_items ADD CONSTRAINT id_order_items_id_customer_link_id_fkey FOREIGN KEY (id_customer_link_id) REFERENCES id_customers (id) NOT VALID;
