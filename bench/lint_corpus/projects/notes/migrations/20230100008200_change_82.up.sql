DROP TRIGGER IF EXISTS shares_log;
CREATE TRIGGER shares_log AFTER INSERT ON shares BEGIN INSERT INTO sync_log (title) VALUES ('shares'); END;
