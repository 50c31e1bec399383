ALTER TABLE id_products DROP COLUMN retries;
