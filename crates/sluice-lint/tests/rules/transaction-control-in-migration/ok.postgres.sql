-- transaction: false
BEGIN;
CREATE TABLE a (id int);
COMMIT;
