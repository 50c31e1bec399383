CREATE TABLE t (doc json);
