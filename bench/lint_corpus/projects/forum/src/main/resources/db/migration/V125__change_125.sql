CREATE TABLE `categories_3` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `user_badges_1_id` BIGINT UNSIGNED NOT NULL,
  `ip` VARCHAR(45) NULL,
  `status` VARCHAR(20) NULL,
  `score` INT NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_categories_3_user_badges_1_id` (`user_badges_1_id`),
  CONSTRAINT `fk_categories_3_user_badges_1_id` FOREIGN KEY (`user_badges_1_id`) REFERENCES `user_badges_1` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
