CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS refunds_is_default_key ON refunds (is_default);
