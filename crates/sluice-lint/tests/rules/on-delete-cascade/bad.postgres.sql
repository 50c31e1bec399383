CREATE TABLE c (id bigint PRIMARY KEY, p bigint REFERENCES parents (id) ON DELETE CASCADE);
