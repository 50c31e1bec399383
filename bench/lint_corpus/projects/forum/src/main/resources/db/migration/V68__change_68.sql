CREATE TABLE `tags_1` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `ban_id` BIGINT UNSIGNED NOT NULL,
  `status` VARCHAR(20) NULL,
  `score` INT NULL,
  `body` MEDIUMTEXT NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_tags_1_ban_id` (`ban_id`),
  CONSTRAINT `fk_tags_1_ban_id` FOREIGN KEY (`ban_id`) REFERENCES `bans` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE `topic_tags_1` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `topics_1_id` BIGINT UNSIGNED NOT NULL,
  `body` MEDIUMTEXT NULL,
  `status` VARCHAR(20) NULL,
  `ip` VARCHAR(45) NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_topic_tags_1_topics_1_id` (`topics_1_id`),
  CONSTRAINT `fk_topic_tags_1_topics_1_id` FOREIGN KEY (`topics_1_id`) REFERENCES `topics_1` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
