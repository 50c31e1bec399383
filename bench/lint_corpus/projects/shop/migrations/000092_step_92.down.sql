DROP INDEX CONCURRENTLY IF EXISTS notifications_created_at_key;
