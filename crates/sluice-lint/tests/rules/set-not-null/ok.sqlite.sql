CREATE TABLE fresh (a int NOT NULL);
