DROP TRIGGER IF EXISTS notes_log;
CREATE TRIGGER notes_log AFTER INSERT ON notes BEGIN INSERT INTO sync_log (title) VALUES ('notes'); END;
