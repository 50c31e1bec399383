CREATE TABLE attachments_14 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL DEFAULT '',
    note_tag_id INTEGER NOT NULL REFERENCES note_tags (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_attachments_14_note_tag_id ON attachments_14 (note_tag_id);
