DROP INDEX CONCURRENTLY IF EXISTS v_order_items_created_at_cidx;
