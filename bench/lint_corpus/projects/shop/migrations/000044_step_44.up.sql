CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS reviews_status_key ON reviews (status);
