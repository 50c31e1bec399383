CREATE TABLE `notifications_2` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `users_2_id` BIGINT UNSIGNED NOT NULL,
  `ip` VARCHAR(45) NULL,
  `title` VARCHAR(255) NULL,
  `status` VARCHAR(20) NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_notifications_2_users_2_id` (`users_2_id`),
  CONSTRAINT `fk_notifications_2_users_2_id` FOREIGN KEY (`users_2_id`) REFERENCES `users_2` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
