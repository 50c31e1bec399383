ALTER TABLE plans DROP COLUMN description;
DROP TABLE attachments;
