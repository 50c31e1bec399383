ALTER TABLE `reports_2` ADD COLUMN `last_seen_at` DATETIME NULL;
