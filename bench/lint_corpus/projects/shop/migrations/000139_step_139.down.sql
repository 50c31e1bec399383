ALTER TABLE feature_flags DROP COLUMN is_active;
