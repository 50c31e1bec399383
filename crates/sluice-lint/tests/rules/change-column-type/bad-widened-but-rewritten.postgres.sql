CREATE TABLE users (id integer PRIMARY KEY, email varchar(100), price numeric(10,2));
-- next migration
-- Wider, yet rewritten: integer to bigint, and a scale change.
ALTER TABLE users ALTER COLUMN id TYPE bigint;
ALTER TABLE users ALTER COLUMN price TYPE numeric(12,4);
ALTER TABLE users ALTER COLUMN email TYPE varchar(50);
