CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS v_products_archive_archived_at_key ON v_products_archive (archived_at);
