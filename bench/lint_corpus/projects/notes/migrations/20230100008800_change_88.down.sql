DROP INDEX IF EXISTS idx_attachments_14_note_tag_id;
