DROP TRIGGER IF EXISTS `badges_2_bi`;
CREATE TRIGGER `badges_2_bi` BEFORE INSERT ON `badges_2` FOR EACH ROW SET NEW.created_at = COALESCE(NEW.created_at, NOW());
CREATE TABLE `drafts_3` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `badges_3_id` BIGINT UNSIGNED NOT NULL,
  `flags` TINYINT NULL,
  `status` VARCHAR(20) NULL,
  `score` INT NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_drafts_3_badges_3_id` (`badges_3_id`),
  CONSTRAINT `fk_drafts_3_badges_3_id` FOREIGN KEY (`badges_3_id`) REFERENCES `badges_3` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
