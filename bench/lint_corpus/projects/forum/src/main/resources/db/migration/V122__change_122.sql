CREATE TABLE `posts_3` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `bans_3_id` BIGINT UNSIGNED NOT NULL,
  `score` INT NULL,
  `slug` VARCHAR(191) NULL,
  `status` VARCHAR(20) NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_posts_3_bans_3_id` (`bans_3_id`),
  CONSTRAINT `fk_posts_3_bans_3_id` FOREIGN KEY (`bans_3_id`) REFERENCES `bans_3` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
