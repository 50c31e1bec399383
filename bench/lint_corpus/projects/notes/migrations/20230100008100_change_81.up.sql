CREATE INDEX IF NOT EXISTS idx_notes_10_id ON notes_10 (id);
