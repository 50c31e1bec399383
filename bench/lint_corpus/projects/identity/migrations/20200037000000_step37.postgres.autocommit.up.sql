CREATE INDEX CONCURRENTLY IF NOT EXISTS id_cart_items_status_cidx ON id_cart_items (status);
