CREATE TABLE `badges_1` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `categories_1_id` BIGINT UNSIGNED NOT NULL,
  `slug` VARCHAR(191) NULL,
  `title` VARCHAR(255) NULL,
  `status` VARCHAR(20) NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_badges_1_categories_1_id` (`categories_1_id`),
  CONSTRAINT `fk_badges_1_categories_1_id` FOREIGN KEY (`categories_1_id`) REFERENCES `categories_1` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
