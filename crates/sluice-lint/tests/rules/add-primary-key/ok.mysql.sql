CREATE TABLE fresh (id int);
ALTER TABLE fresh ADD PRIMARY KEY (id);
