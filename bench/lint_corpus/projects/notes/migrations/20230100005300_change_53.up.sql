DROP VIEW IF EXISTS notebooks_11_recent;
CREATE VIEW notebooks_11_recent AS SELECT * FROM notebooks_11 ORDER BY created_at DESC LIMIT 50;
