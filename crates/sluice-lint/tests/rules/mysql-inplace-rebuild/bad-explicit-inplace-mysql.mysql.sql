-- server-version: 8.0
-- MySQL runs an INSTANT operation in place, rebuilding the table, when INPLACE is named.
ALTER TABLE users ADD COLUMN nickname VARCHAR(50) NULL, ALGORITHM=INPLACE, LOCK=NONE;
