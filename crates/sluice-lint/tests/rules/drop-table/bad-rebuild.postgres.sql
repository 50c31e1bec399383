CREATE TABLE orders_new (id bigint PRIMARY KEY, amount bigint NOT NULL);
INSERT INTO orders_new SELECT id, amount FROM orders;
DROP TABLE orders;
ALTER TABLE orders_new RENAME TO orders;
