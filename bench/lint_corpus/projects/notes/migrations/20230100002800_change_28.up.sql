CREATE INDEX IF NOT EXISTS idx_notes_10_created_at ON notes_10 (created_at);
