CREATE INDEX IF NOT EXISTS idx_notes_10_share_id ON notes_10 (share_id);
