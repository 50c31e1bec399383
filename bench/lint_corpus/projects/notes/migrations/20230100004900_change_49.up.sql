CREATE TABLE tags_12_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL CHECK (length(title) <= 500),
    created_at TEXT,
    notebooks_11_id TEXT
);
INSERT INTO tags_12_new (id, created_at, notebooks_11_id, title) SELECT id, created_at, notebooks_11_id, title FROM tags_12;
DROP TABLE tags_12;
ALTER TABLE tags_12_new RENAME TO tags_12;
