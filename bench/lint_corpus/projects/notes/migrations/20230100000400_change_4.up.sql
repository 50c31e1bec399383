CREATE TABLE note_tags (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL DEFAULT '',
    note_id INTEGER NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_note_tags_note_id ON note_tags (note_id);
