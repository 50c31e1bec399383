CREATE TABLE notebooks_11 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL DEFAULT '',
    share_id INTEGER NOT NULL REFERENCES shares (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_notebooks_11_share_id ON notebooks_11 (share_id);
