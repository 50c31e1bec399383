DROP INDEX CONCURRENTLY IF EXISTS refunds_is_default_key;
