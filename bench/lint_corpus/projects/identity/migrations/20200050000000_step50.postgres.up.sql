ALTER TABLE id_customers ADD COLUMN expires_at timestamptz;
ALTER TABLE id_reviews ADD COLUMN is_default boolean;
