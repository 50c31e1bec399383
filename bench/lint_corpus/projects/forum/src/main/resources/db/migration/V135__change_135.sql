UPDATE `posts_3` SET `bans_3_id` = `bans_3_id` WHERE `id` BETWEEN 1 AND 10000;
CREATE TABLE `votes_3` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `topic_tags_1_id` BIGINT UNSIGNED NOT NULL,
  `flags` TINYINT NULL,
  `status` VARCHAR(20) NULL,
  `title` VARCHAR(255) NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_votes_3_topic_tags_1_id` (`topic_tags_1_id`),
  CONSTRAINT `fk_votes_3_topic_tags_1_id` FOREIGN KEY (`topic_tags_1_id`) REFERENCES `topic_tags_1` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
