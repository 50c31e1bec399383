CREATE INDEX CONCURRENTLY IF NOT EXISTS id_products_id_order_id_cidx ON id_products (id_order_id);
