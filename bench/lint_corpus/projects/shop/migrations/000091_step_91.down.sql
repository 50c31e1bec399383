ALTER TABLE subscriptions DROP COLUMN is_default;
