ALTER TABLE attachments_14 ADD COLUMN position INTEGER;
