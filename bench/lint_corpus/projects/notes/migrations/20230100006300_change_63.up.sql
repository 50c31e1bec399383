CREATE TABLE shares_15 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL DEFAULT '',
    sync_log_id INTEGER NOT NULL REFERENCES sync_log (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_shares_15_sync_log_id ON shares_15 (sync_log_id);
