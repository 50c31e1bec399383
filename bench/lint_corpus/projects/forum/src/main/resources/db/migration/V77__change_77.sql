ALTER TABLE `tags` ADD COLUMN `meta` JSON NULL;
CREATE TABLE `bans_2` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `posts_1_id` BIGINT UNSIGNED NOT NULL,
  `title` VARCHAR(255) NULL,
  `flags` TINYINT NULL,
  `slug` VARCHAR(191) NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_bans_2_posts_1_id` (`posts_1_id`),
  CONSTRAINT `fk_bans_2_posts_1_id` FOREIGN KEY (`posts_1_id`) REFERENCES `posts_1` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
