CREATE TABLE `uploads_2` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `users_1_id` BIGINT UNSIGNED NOT NULL,
  `slug` VARCHAR(191) NULL,
  `score` INT NULL,
  `title` VARCHAR(255) NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_uploads_2_users_1_id` (`users_1_id`),
  CONSTRAINT `fk_uploads_2_users_1_id` FOREIGN KEY (`users_1_id`) REFERENCES `users_1` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
