ALTER TABLE carts DROP COLUMN retries;
ALTER TABLE payments ALTER COLUMN email TYPE varchar(255);
