ALTER TABLE attachments ADD COLUMN body TEXT;
