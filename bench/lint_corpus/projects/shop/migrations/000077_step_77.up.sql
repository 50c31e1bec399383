CREATE INDEX CONCURRENTLY IF NOT EXISTS subscriptions_archived_at_cidx ON subscriptions (archived_at);
