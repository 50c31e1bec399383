CREATE TABLE bookmarks (id BIGINT PRIMARY KEY, slug VARCHAR(191) NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- next migration
-- The same type, but NULL to NOT NULL: the table is rebuilt in place.
ALTER TABLE bookmarks MODIFY slug VARCHAR(191) NOT NULL;
