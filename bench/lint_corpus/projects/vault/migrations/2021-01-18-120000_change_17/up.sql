CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS v_products_created_at_key ON v_products (created_at);
