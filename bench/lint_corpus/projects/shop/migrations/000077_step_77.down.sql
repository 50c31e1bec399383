DROP INDEX CONCURRENTLY IF EXISTS subscriptions_archived_at_cidx;
