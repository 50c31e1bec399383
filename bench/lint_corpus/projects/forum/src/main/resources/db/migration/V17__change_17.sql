ALTER TABLE `topics` ADD INDEX `idx_topics_id_2` (`id`);
CREATE TABLE `drafts` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `post_id` BIGINT UNSIGNED NOT NULL,
  `slug` VARCHAR(191) NULL,
  `ip` VARCHAR(45) NULL,
  `status` VARCHAR(20) NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_drafts_post_id` (`post_id`),
  CONSTRAINT `fk_drafts_post_id` FOREIGN KEY (`post_id`) REFERENCES `posts` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
