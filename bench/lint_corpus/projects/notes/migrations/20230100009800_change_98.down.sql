ALTER TABLE sync_log DROP COLUMN position;
