DROP VIEW IF EXISTS users_recent;
CREATE VIEW users_recent AS SELECT * FROM users ORDER BY created_at DESC LIMIT 50;
