CREATE TABLE `bookmarks_1` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `topic_tag_id` BIGINT UNSIGNED NOT NULL,
  `flags` TINYINT NULL,
  `ip` VARCHAR(45) NULL,
  `title` VARCHAR(255) NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_bookmarks_1_topic_tag_id` (`topic_tag_id`),
  CONSTRAINT `fk_bookmarks_1_topic_tag_id` FOREIGN KEY (`topic_tag_id`) REFERENCES `topic_tags` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
ALTER TABLE `notifications_1` MODIFY `slug` VARCHAR(382) NULL;
