DROP TRIGGER api_keys_set_updated_at ON api_keys;
ALTER TABLE notifications ALTER COLUMN slug TYPE varchar(120);
