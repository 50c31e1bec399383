CREATE TABLE `badges_2` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `categories_2_id` BIGINT UNSIGNED NOT NULL,
  `status` VARCHAR(20) NULL,
  `ip` VARCHAR(45) NULL,
  `flags` TINYINT NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_badges_2_categories_2_id` (`categories_2_id`),
  CONSTRAINT `fk_badges_2_categories_2_id` FOREIGN KEY (`categories_2_id`) REFERENCES `categories_2` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
