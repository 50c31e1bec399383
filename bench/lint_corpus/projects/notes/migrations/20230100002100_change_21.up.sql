DROP VIEW IF EXISTS devices_recent;
CREATE VIEW devices_recent AS SELECT * FROM devices ORDER BY created_at DESC LIMIT 50;
