ALTER TABLE coupons DROP COLUMN retries;
