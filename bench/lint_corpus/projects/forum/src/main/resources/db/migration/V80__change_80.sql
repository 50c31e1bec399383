ALTER TABLE `reports_1` ADD COLUMN `last_seen_at` DATETIME NULL;
