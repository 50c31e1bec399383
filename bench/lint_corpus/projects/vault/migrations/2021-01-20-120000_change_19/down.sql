DROP VIEW v_customers_summary;
ALTER TABLE v_order_items ADD COLUMN metadata jsonb;
