DROP VIEW IF EXISTS notes_recent;
CREATE VIEW notes_recent AS SELECT * FROM notes ORDER BY created_at DESC LIMIT 50;
