ALTER TABLE `posts_1` DROP COLUMN `ip`;
CREATE TABLE `posts_2` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `users_2_id` BIGINT UNSIGNED NOT NULL,
  `score` INT NULL,
  `title` VARCHAR(255) NULL,
  `slug` VARCHAR(191) NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_posts_2_users_2_id` (`users_2_id`),
  CONSTRAINT `fk_posts_2_users_2_id` FOREIGN KEY (`users_2_id`) REFERENCES `users_2` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
