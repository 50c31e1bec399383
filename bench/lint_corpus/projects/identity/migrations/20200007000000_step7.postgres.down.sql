ALTER TABLE id_order_items DROP COLUMN id_customer_link_id;
