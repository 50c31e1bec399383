CREATE TABLE orders_new (id integer PRIMARY KEY);
ALTER TABLE orders_new RENAME TO orders_archive;
