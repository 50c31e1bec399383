CREATE TABLE `topics_1` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `vote_id` BIGINT UNSIGNED NOT NULL,
  `title` VARCHAR(255) NULL,
  `score` INT NULL,
  `status` VARCHAR(20) NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_topics_1_vote_id` (`vote_id`),
  CONSTRAINT `fk_topics_1_vote_id` FOREIGN KEY (`vote_id`) REFERENCES `votes` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
ALTER TABLE `tags` DROP COLUMN `flags`;
