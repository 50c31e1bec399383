ALTER TABLE id_products ADD COLUMN retries integer NOT NULL DEFAULT 0;
