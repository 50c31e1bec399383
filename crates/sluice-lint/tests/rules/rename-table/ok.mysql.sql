CREATE TABLE fresh (a int);
ALTER TABLE fresh RENAME TO fresher;
