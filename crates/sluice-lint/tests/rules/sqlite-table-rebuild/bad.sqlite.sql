CREATE TABLE orders_new (id integer PRIMARY KEY, amount integer NOT NULL);
INSERT INTO orders_new SELECT id, amount FROM orders;
DROP TABLE orders;
ALTER TABLE orders_new RENAME TO orders;
