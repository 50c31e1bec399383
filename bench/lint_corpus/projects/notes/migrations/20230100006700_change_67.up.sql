ALTER TABLE attachments ADD COLUMN position INTEGER;
