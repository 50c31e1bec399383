DROP INDEX IF EXISTS idx_notes_10_share_id;
