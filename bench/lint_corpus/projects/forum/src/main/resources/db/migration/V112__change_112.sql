ALTER TABLE `reports` MODIFY `views` BIGINT NULL;
CREATE TABLE `topic_tags_2` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `uploads_2_id` BIGINT UNSIGNED NOT NULL,
  `status` VARCHAR(20) NULL,
  `body` MEDIUMTEXT NULL,
  `score` INT NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_topic_tags_2_uploads_2_id` (`uploads_2_id`),
  CONSTRAINT `fk_topic_tags_2_uploads_2_id` FOREIGN KEY (`uploads_2_id`) REFERENCES `uploads_2` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
