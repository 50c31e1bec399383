CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS categories_external_ref_key ON categories (external_ref);
