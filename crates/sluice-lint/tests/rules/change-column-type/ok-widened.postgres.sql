CREATE TABLE users (id bigint PRIMARY KEY, email character varying(100), price numeric(10,2), tags varchar(20)[]);
-- next migration
ALTER TABLE users ALTER COLUMN email TYPE varchar(255);
ALTER TABLE users ALTER COLUMN price TYPE numeric(12,2);
ALTER TABLE users ALTER COLUMN tags TYPE varchar(40)[];
-- next migration
ALTER TABLE users RENAME COLUMN email TO login;
ALTER TABLE users ALTER COLUMN login TYPE text;
