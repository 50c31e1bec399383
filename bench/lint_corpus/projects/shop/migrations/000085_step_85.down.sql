DROP TABLE exports;
ALTER TABLE coupons ADD COLUMN retries integer;
