CREATE INDEX IF NOT EXISTS idx_note_tags_13_created_at ON note_tags_13 (created_at);
