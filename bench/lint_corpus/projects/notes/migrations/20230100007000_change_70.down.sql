DROP INDEX IF EXISTS idx_note_tags_created_at;
