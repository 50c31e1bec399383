ALTER TABLE carts_archive DROP COLUMN state;
