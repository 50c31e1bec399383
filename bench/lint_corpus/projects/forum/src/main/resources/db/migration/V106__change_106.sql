CREATE TABLE `tags_2` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `tags_1_id` BIGINT UNSIGNED NOT NULL,
  `ip` VARCHAR(45) NULL,
  `score` INT NULL,
  `body` MEDIUMTEXT NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_tags_2_tags_1_id` (`tags_1_id`),
  CONSTRAINT `fk_tags_2_tags_1_id` FOREIGN KEY (`tags_1_id`) REFERENCES `tags_1` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
