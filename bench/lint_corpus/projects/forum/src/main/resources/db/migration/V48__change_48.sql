ALTER TABLE `categories` ADD COLUMN `last_seen_at` DATETIME NULL;
