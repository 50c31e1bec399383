ALTER TABLE `badges` ADD COLUMN `last_seen_at` DATETIME NULL;
