CREATE INDEX IF NOT EXISTS idx_sync_log_id ON sync_log (id);
