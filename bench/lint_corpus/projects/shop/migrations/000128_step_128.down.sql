ALTER TABLE comments DROP COLUMN retries;
