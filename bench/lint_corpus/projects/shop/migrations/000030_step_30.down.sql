DROP INDEX CONCURRENTLY IF EXISTS shipments_updated_at_key;
