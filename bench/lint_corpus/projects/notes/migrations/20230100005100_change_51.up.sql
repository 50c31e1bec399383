CREATE INDEX IF NOT EXISTS idx_notes_10_title ON notes_10 (title);
