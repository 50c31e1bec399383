CREATE TABLE orders (id bigint PRIMARY KEY);
DROP TABLE reviews;
ALTER TABLE cart_items DROP COLUMN retries;
DROP TABLE cart_items;
