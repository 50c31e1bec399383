CREATE TABLE notes_20 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL DEFAULT '',
    reminder_id INTEGER NOT NULL REFERENCES reminders (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_notes_20_reminder_id ON notes_20 (reminder_id);
