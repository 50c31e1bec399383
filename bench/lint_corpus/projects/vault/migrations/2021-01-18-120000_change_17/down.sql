DROP INDEX CONCURRENTLY IF EXISTS v_products_created_at_key;
