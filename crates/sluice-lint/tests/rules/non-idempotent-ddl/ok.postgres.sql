-- transaction: false
CREATE TABLE IF NOT EXISTS a (id int);
CREATE INDEX IF NOT EXISTS a_idx ON a (id);
