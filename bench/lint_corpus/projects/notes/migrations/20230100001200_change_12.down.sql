ALTER TABLE users DROP COLUMN remote_id;
