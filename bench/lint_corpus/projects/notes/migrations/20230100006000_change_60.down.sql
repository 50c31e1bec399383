DROP INDEX IF EXISTS idx_sync_log_id;
