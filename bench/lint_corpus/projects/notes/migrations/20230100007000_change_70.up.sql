CREATE INDEX IF NOT EXISTS idx_note_tags_created_at ON note_tags (created_at);
