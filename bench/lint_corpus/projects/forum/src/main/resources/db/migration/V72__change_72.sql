CREATE TABLE `reports_1` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `users_1_id` BIGINT UNSIGNED NOT NULL,
  `status` VARCHAR(20) NULL,
  `ip` VARCHAR(45) NULL,
  `body` MEDIUMTEXT NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_reports_1_users_1_id` (`users_1_id`),
  CONSTRAINT `fk_reports_1_users_1_id` FOREIGN KEY (`users_1_id`) REFERENCES `users_1` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
ALTER TABLE `users` ADD COLUMN `last_seen_at` DATETIME NULL;
