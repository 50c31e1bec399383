CREATE TABLE fresh (a int);
ALTER TABLE fresh ADD COLUMN b int;
