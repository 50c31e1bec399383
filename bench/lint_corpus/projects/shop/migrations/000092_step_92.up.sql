CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS notifications_created_at_key ON notifications (created_at);
