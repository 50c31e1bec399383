CREATE TABLE shares_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL CHECK (length(title) <= 500),
    created_at TEXT,
    notebook_id TEXT,
    color TEXT
);
INSERT INTO shares_new (id, created_at, notebook_id, color, title) SELECT id, created_at, notebook_id, color, title FROM shares;
DROP TABLE shares;
ALTER TABLE shares_new RENAME TO shares;
