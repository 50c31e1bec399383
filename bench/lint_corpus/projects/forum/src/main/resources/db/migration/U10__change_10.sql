ALTER TABLE `badges` DROP COLUMN `last_seen_at`;
