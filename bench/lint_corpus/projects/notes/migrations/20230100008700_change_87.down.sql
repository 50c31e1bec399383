DROP VIEW IF EXISTS attachments_14_recent;
