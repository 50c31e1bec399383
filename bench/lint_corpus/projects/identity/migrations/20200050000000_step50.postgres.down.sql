ALTER TABLE id_reviews DROP COLUMN is_default;
ALTER TABLE id_customers DROP COLUMN expires_at;
