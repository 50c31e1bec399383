ALTER TABLE attachments DROP COLUMN body;
