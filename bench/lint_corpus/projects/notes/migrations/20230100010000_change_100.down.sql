ALTER TABLE users DROP COLUMN position;
