CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS id_categories_status_key ON id_categories (status);
