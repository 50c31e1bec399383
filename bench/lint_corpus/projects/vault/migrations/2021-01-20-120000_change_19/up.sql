ALTER TABLE v_order_items DROP COLUMN metadata;
DROP VIEW IF EXISTS v_customers_summary;
CREATE VIEW v_customers_summary AS SELECT id, created_at, updated_at FROM v_customers WHERE id > 0;
