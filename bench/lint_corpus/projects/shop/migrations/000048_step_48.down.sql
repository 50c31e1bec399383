ALTER TABLE api_keys ADD COLUMN metadata jsonb;
