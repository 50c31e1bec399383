CREATE INDEX IF NOT EXISTS idx_attachments_14_note_tag_id ON attachments_14 (note_tag_id);
