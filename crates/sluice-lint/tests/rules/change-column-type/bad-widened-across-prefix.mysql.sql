CREATE TABLE notes (id BIGINT PRIMARY KEY, tag VARCHAR(60));
-- next migration
-- 60 to 100 characters may cross 255 bytes: the length prefix grows and the table is copied.
ALTER TABLE notes MODIFY tag VARCHAR(100);
