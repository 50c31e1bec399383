CREATE TABLE reminders_19 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL DEFAULT '',
    reminder_id INTEGER NOT NULL REFERENCES reminders (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_reminders_19_reminder_id ON reminders_19 (reminder_id);
