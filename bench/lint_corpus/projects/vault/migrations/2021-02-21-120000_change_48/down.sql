ALTER TABLE v_order_items DROP COLUMN is_active;
