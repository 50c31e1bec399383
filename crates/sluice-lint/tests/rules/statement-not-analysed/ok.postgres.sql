SELECT 1;
-- The SQL-standard spellings of character types are types, not MySQL's CHARACTER SET.
CREATE TABLE t (id bigint PRIMARY KEY, a character varying(40), b character(2));
ALTER TABLE t ADD COLUMN x character varying(255);
ALTER TABLE t ADD COLUMN y character(3) NOT NULL DEFAULT 'abc';
ALTER TABLE t ADD COLUMN z character varying(20)[];
ALTER TABLE t ADD COLUMN w national character varying(10);
