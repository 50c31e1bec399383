ALTER TABLE attachments DROP COLUMN position;
