DROP TABLE api_keys;
ALTER TABLE coupons DROP COLUMN is_default;
