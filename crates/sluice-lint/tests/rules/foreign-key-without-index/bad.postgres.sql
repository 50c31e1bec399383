CREATE TABLE c (id bigint PRIMARY KEY, p bigint, FOREIGN KEY (p) REFERENCES parents (id));
