CREATE INDEX CONCURRENTLY IF NOT EXISTS v_order_items_created_at_cidx ON v_order_items (created_at);
