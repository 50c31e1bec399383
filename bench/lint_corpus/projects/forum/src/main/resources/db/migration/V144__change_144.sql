CREATE TABLE `uploads_3` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `votes_3_id` BIGINT UNSIGNED NOT NULL,
  `flags` TINYINT NULL,
  `slug` VARCHAR(191) NULL,
  `body` MEDIUMTEXT NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_uploads_3_votes_3_id` (`votes_3_id`),
  CONSTRAINT `fk_uploads_3_votes_3_id` FOREIGN KEY (`votes_3_id`) REFERENCES `votes_3` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
