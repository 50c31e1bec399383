CREATE TABLE `topics_2` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `votes_1_id` BIGINT UNSIGNED NOT NULL,
  `ip` VARCHAR(45) NULL,
  `score` INT NULL,
  `status` VARCHAR(20) NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_topics_2_votes_1_id` (`votes_1_id`),
  CONSTRAINT `fk_topics_2_votes_1_id` FOREIGN KEY (`votes_1_id`) REFERENCES `votes_1` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
