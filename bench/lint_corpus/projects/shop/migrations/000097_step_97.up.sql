ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_updated_at_not_null CHECK (updated_at IS NOT NULL) NOT VALID;
