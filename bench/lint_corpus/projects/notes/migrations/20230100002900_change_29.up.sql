CREATE TABLE notes_10_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL CHECK (length(title) <= 500),
    created_at TEXT,
    share_id TEXT
);
INSERT INTO notes_10_new (id, created_at, share_id, title) SELECT id, created_at, share_id, title FROM notes_10;
DROP TABLE notes_10;
ALTER TABLE notes_10_new RENAME TO notes_10;
