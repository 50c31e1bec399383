ALTER TABLE comments ADD COLUMN retries integer NOT NULL DEFAULT 0;
