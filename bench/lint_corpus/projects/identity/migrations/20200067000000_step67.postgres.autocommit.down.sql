DROP INDEX CONCURRENTLY IF EXISTS id_categories_status_key;
