INSERT IGNORE INTO `topics_2` (`id`) VALUES (78);
CREATE TABLE `topics_3` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `topics_1_id` BIGINT UNSIGNED NOT NULL,
  `title` VARCHAR(255) NULL,
  `body` MEDIUMTEXT NULL,
  `status` VARCHAR(20) NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_topics_3_topics_1_id` (`topics_1_id`),
  CONSTRAINT `fk_topics_3_topics_1_id` FOREIGN KEY (`topics_1_id`) REFERENCES `topics_1` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
