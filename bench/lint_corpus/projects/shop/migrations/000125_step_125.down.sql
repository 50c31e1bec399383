ALTER TABLE attachments DROP COLUMN position;
DROP TABLE feature_flags;
DROP FUNCTION count_reviews(bigint);
ALTER TABLE price_lists DROP COLUMN is_active;
