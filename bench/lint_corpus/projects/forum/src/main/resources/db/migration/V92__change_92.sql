CREATE TABLE `votes_2` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `uploads_1_id` BIGINT UNSIGNED NOT NULL,
  `flags` TINYINT NULL,
  `score` INT NULL,
  `body` MEDIUMTEXT NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_votes_2_uploads_1_id` (`uploads_1_id`),
  CONSTRAINT `fk_votes_2_uploads_1_id` FOREIGN KEY (`uploads_1_id`) REFERENCES `uploads_1` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
