DROP VIEW IF EXISTS tags_recent;
