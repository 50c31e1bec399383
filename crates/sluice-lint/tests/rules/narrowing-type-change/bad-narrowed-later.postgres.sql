CREATE TABLE users (id bigint PRIMARY KEY, email varchar(255));
-- next migration
ALTER TABLE users ALTER COLUMN email TYPE varchar(100);
ALTER TABLE users ALTER COLUMN id TYPE integer;
