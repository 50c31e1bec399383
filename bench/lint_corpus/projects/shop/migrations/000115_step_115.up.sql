CREATE INDEX CONCURRENTLY IF NOT EXISTS invitations_updated_at_cidx ON invitations (updated_at);
