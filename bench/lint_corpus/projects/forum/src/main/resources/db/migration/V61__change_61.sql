CREATE TABLE `drafts_1` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `draft_id` BIGINT UNSIGNED NOT NULL,
  `flags` TINYINT NULL,
  `status` VARCHAR(20) NULL,
  `body` MEDIUMTEXT NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_drafts_1_draft_id` (`draft_id`),
  CONSTRAINT `fk_drafts_1_draft_id` FOREIGN KEY (`draft_id`) REFERENCES `drafts` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
