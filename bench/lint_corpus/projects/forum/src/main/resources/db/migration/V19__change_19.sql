CREATE TABLE `notifications` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `vote_id` BIGINT UNSIGNED NOT NULL,
  `title` VARCHAR(255) NULL,
  `status` VARCHAR(20) NULL,
  `score` INT NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_notifications_vote_id` (`vote_id`),
  CONSTRAINT `fk_notifications_vote_id` FOREIGN KEY (`vote_id`) REFERENCES `votes` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE `uploads` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `user_badge_id` BIGINT UNSIGNED NOT NULL,
  `body` MEDIUMTEXT NULL,
  `status` VARCHAR(20) NULL,
  `score` INT NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_uploads_user_badge_id` (`user_badge_id`),
  CONSTRAINT `fk_uploads_user_badge_id` FOREIGN KEY (`user_badge_id`) REFERENCES `user_badges` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
