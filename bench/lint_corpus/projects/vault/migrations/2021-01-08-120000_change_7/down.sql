ALTER TABLE v_orders DROP COLUMN v_customer_link_id;
