DROP INDEX CONCURRENTLY IF EXISTS invitations_updated_at_cidx;
