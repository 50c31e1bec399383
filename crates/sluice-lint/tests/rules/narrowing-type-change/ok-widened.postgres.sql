CREATE TABLE users (id smallint PRIMARY KEY, email character varying(100), price numeric(10,2));
-- next migration
ALTER TABLE users ALTER COLUMN email TYPE character varying(255);
ALTER TABLE users ALTER COLUMN price TYPE numeric(12,2);
ALTER TABLE users ALTER COLUMN id TYPE integer;
