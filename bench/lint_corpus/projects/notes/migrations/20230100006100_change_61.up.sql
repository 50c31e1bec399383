DROP VIEW IF EXISTS tags_recent;
CREATE VIEW tags_recent AS SELECT * FROM tags ORDER BY created_at DESC LIMIT 50;
