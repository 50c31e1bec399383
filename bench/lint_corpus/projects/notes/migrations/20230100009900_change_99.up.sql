CREATE TABLE reminders_19_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL CHECK (length(title) <= 500),
    created_at TEXT,
    reminder_id TEXT
);
INSERT INTO reminders_19_new (id, created_at, reminder_id, title) SELECT id, created_at, reminder_id, title FROM reminders_19;
DROP TABLE reminders_19;
ALTER TABLE reminders_19_new RENAME TO reminders_19;
