CREATE INDEX IF NOT EXISTS idx_attachments_14_position ON attachments_14 (position);
