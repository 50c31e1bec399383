CREATE TABLE fresh (a int, b int);
ALTER TABLE fresh DROP COLUMN b;
