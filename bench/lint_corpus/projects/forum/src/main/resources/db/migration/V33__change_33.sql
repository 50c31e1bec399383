CREATE TABLE `bookmarks` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `categorie_id` BIGINT UNSIGNED NOT NULL,
  `slug` VARCHAR(191) NULL,
  `ip` VARCHAR(45) NULL,
  `flags` TINYINT NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_bookmarks_categorie_id` (`categorie_id`),
  CONSTRAINT `fk_bookmarks_categorie_id` FOREIGN KEY (`categorie_id`) REFERENCES `categories` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
ALTER TABLE `drafts` ADD INDEX `idx_drafts_status_2` (`status`);
