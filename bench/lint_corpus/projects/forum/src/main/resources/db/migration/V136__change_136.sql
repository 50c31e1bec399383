CREATE TABLE `badges_3` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `vote_id` BIGINT UNSIGNED NOT NULL,
  `score` INT NULL,
  `ip` VARCHAR(45) NULL,
  `status` VARCHAR(20) NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_badges_3_vote_id` (`vote_id`),
  CONSTRAINT `fk_badges_3_vote_id` FOREIGN KEY (`vote_id`) REFERENCES `votes` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
