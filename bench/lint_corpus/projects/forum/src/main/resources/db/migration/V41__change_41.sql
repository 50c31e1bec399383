ALTER TABLE `topics_1` ADD COLUMN `last_seen_at` DATETIME NULL;
