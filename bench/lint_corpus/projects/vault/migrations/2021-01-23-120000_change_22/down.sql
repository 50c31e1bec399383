DROP TABLE v_reviews;
ALTER TABLE v_categories DROP COLUMN retries;
ALTER TABLE v_payments DROP COLUMN currency;
