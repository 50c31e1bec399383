ALTER TABLE `categories` DROP COLUMN `last_seen_at`;
