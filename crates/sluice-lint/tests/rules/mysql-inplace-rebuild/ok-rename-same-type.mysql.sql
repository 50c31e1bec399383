CREATE TABLE bookmarks (id BIGINT PRIMARY KEY, slug VARCHAR(191) NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- next migration
-- A rename that keeps the definition is metadata only (INSTANT, checked on MariaDB 10.11).
ALTER TABLE bookmarks CHANGE slug slug_old VARCHAR(191) NULL;
