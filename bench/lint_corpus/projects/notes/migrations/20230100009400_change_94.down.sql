DROP INDEX IF EXISTS idx_note_tags_13_created_at;
