ALTER TABLE `users` MODIFY `status` VARCHAR(60) NULL;
CREATE TABLE `users_1` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `user_badge_id` BIGINT UNSIGNED NOT NULL,
  `title` VARCHAR(255) NULL,
  `status` VARCHAR(20) NULL,
  `score` INT NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_users_1_user_badge_id` (`user_badge_id`),
  CONSTRAINT `fk_users_1_user_badge_id` FOREIGN KEY (`user_badge_id`) REFERENCES `user_badges` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
