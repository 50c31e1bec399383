CREATE TABLE short_name (id int);
