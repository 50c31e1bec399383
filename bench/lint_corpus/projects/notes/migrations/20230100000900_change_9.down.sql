ALTER TABLE users DROP COLUMN archived;
