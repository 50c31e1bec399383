DROP INDEX IF EXISTS idx_notes_10_created_at;
