CREATE TABLE notes_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL CHECK (length(title) <= 500),
    created_at TEXT
);
INSERT INTO notes_new (id, created_at, title) SELECT id, created_at, title FROM notes;
DROP TABLE notes;
ALTER TABLE notes_new RENAME TO notes;
