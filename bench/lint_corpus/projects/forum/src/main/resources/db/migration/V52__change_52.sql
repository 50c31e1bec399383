CREATE TABLE `votes_1` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `topic_tag_id` BIGINT UNSIGNED NOT NULL,
  `score` INT NULL,
  `slug` VARCHAR(191) NULL,
  `status` VARCHAR(20) NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_votes_1_topic_tag_id` (`topic_tag_id`),
  CONSTRAINT `fk_votes_1_topic_tag_id` FOREIGN KEY (`topic_tag_id`) REFERENCES `topic_tags` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
