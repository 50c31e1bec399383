CREATE TABLE users (id BIGINT PRIMARY KEY, slug VARCHAR(191) NULL) ENGINE=InnoDB DEFAULT CHARSET=latin1;
-- next migration
-- In latin1, 191 bytes fit a one-byte prefix and 382 do not: the table is copied.
ALTER TABLE users MODIFY slug VARCHAR(382) NULL;
