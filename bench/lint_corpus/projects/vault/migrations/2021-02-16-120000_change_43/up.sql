CREATE INDEX CONCURRENTLY IF NOT EXISTS v_customers_id_cidx ON v_customers (id);
