-- transaction: false
CREATE TABLE a (id int);
CREATE INDEX a_idx ON a (id);
