CREATE TABLE notes_20_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL CHECK (length(title) <= 500),
    created_at TEXT,
    reminder_id TEXT
);
INSERT INTO notes_20_new (id, created_at, reminder_id, title) SELECT id, created_at, reminder_id, title FROM notes_20;
DROP TABLE notes_20;
ALTER TABLE notes_20_new RENAME TO notes_20;
