DROP VIEW IF EXISTS note_tags_recent;
CREATE VIEW note_tags_recent AS SELECT * FROM note_tags ORDER BY created_at DESC LIMIT 50;
