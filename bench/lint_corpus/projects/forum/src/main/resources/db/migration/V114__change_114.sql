CREATE TABLE `bookmarks_2` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `badges_1_id` BIGINT UNSIGNED NOT NULL,
  `title` VARCHAR(255) NULL,
  `flags` TINYINT NULL,
  `status` VARCHAR(20) NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_bookmarks_2_badges_1_id` (`badges_1_id`),
  CONSTRAINT `fk_bookmarks_2_badges_1_id` FOREIGN KEY (`badges_1_id`) REFERENCES `badges_1` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
