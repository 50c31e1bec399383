DROP TABLE attachments_14;
