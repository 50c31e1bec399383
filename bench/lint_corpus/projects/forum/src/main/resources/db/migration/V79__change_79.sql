CREATE TABLE `users_2` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `user_badges_1_id` BIGINT UNSIGNED NOT NULL,
  `slug` VARCHAR(191) NULL,
  `ip` VARCHAR(45) NULL,
  `status` VARCHAR(20) NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_users_2_user_badges_1_id` (`user_badges_1_id`),
  CONSTRAINT `fk_users_2_user_badges_1_id` FOREIGN KEY (`user_badges_1_id`) REFERENCES `user_badges_1` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
