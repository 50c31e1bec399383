-- SQLite's rebuild: the rows are copied; sqlite-table-rebuild reports it at the rename.
CREATE TABLE orders_new (id integer PRIMARY KEY, amount integer NOT NULL);
INSERT INTO orders_new (id, amount) SELECT id, amount FROM orders;
DROP TABLE orders;
ALTER TABLE orders_new RENAME TO orders;
