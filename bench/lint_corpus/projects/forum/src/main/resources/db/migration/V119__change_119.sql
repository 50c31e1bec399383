CREATE TABLE `bans_3` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `drafts_2_id` BIGINT UNSIGNED NOT NULL,
  `title` VARCHAR(255) NULL,
  `slug` VARCHAR(191) NULL,
  `score` INT NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_bans_3_drafts_2_id` (`drafts_2_id`),
  CONSTRAINT `fk_bans_3_drafts_2_id` FOREIGN KEY (`drafts_2_id`) REFERENCES `drafts_2` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
ALTER TABLE `topic_tags_2` DROP COLUMN `score`;
