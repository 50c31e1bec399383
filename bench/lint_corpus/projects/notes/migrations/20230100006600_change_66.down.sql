ALTER TABLE attachments_14 DROP COLUMN position;
