DROP INDEX CONCURRENTLY IF EXISTS categories_external_ref_key;
