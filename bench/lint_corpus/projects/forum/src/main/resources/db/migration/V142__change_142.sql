CREATE TABLE `notifications_3` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `votes_3_id` BIGINT UNSIGNED NOT NULL,
  `status` VARCHAR(20) NULL,
  `title` VARCHAR(255) NULL,
  `ip` VARCHAR(45) NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_notifications_3_votes_3_id` (`votes_3_id`),
  CONSTRAINT `fk_notifications_3_votes_3_id` FOREIGN KEY (`votes_3_id`) REFERENCES `votes_3` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
ALTER TABLE `notifications_3` ADD INDEX `idx_notifications_3_status_2` (`status`);
