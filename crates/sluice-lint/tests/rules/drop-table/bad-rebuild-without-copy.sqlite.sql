-- The near miss: nothing is copied, the rows are gone.
CREATE TABLE orders_new (id integer PRIMARY KEY, amount integer NOT NULL);
DROP TABLE orders;
ALTER TABLE orders_new RENAME TO orders;
