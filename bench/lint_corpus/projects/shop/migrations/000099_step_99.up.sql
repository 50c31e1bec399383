ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_updated_at_not_null_v CHECK (updated_at IS NOT NULL) NOT VALID;
ALTER TABLE subscriptions VALIDATE CONSTRAINT subscriptions_updated_at_not_null_v;
