DROP INDEX IF EXISTS idx_attachments_14_position;
