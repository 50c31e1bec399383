DROP TABLE v_plans;
ALTER TABLE v_subscriptions DROP COLUMN retries;
ALTER TABLE v_refunds DROP COLUMN version;
ALTER TABLE v_reviews DROP CONSTRAINT v_reviews_expires_at_not_null_v;
