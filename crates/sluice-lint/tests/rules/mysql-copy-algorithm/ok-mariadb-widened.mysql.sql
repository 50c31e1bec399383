-- server-version: 10.11
-- MariaDB 10.4+ widens any VARCHAR instantly, even across 255 bytes.
CREATE TABLE users (id BIGINT PRIMARY KEY, ip VARCHAR(45) NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- next migration
ALTER TABLE users MODIFY ip VARCHAR(90) NULL;
