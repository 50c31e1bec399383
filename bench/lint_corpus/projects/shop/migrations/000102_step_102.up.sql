CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS api_keys_position_key ON api_keys (position);
