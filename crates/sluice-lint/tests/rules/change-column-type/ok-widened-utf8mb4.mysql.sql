CREATE TABLE users (id BIGINT PRIMARY KEY, slug VARCHAR(191) NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
-- next migration
-- 191 characters of utf8mb4 already need a two-byte length prefix: the widening is in place.
ALTER TABLE users MODIFY slug VARCHAR(382) NULL;
