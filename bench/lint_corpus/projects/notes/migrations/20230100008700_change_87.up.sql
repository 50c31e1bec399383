DROP VIEW IF EXISTS attachments_14_recent;
CREATE VIEW attachments_14_recent AS SELECT * FROM attachments_14 ORDER BY created_at DESC LIMIT 50;
