CREATE TABLE reminders_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL CHECK (length(title) <= 500),
    created_at TEXT,
    note_id TEXT
);
INSERT INTO reminders_new (id, created_at, note_id, title) SELECT id, created_at, note_id, title FROM reminders;
DROP TABLE reminders;
ALTER TABLE reminders_new RENAME TO reminders;
