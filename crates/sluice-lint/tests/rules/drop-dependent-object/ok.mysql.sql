CREATE TABLE fresh (id int);
