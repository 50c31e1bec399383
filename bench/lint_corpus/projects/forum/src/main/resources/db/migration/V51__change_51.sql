CREATE TABLE `categories_1` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `upload_id` BIGINT UNSIGNED NOT NULL,
  `flags` TINYINT NULL,
  `slug` VARCHAR(191) NULL,
  `ip` VARCHAR(45) NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_categories_1_upload_id` (`upload_id`),
  CONSTRAINT `fk_categories_1_upload_id` FOREIGN KEY (`upload_id`) REFERENCES `uploads` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
