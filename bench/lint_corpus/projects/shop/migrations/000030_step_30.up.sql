CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS shipments_updated_at_key ON shipments (updated_at);
