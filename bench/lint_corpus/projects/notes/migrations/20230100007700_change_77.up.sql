CREATE TABLE shares_15_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL CHECK (length(title) <= 500),
    created_at TEXT,
    sync_log_id TEXT
);
INSERT INTO shares_15_new (id, created_at, sync_log_id, title) SELECT id, created_at, sync_log_id, title FROM shares_15;
DROP TABLE shares_15;
ALTER TABLE shares_15_new RENAME TO shares_15;
