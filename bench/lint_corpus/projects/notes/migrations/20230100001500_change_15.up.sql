CREATE TABLE sync_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL DEFAULT '',
    share_id INTEGER NOT NULL REFERENCES shares (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_sync_log_share_id ON sync_log (share_id);
