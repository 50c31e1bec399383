CREATE TABLE t (name varchar(40));
