CREATE TABLE fresh (id integer PRIMARY KEY);
