ALTER TABLE `topics_1` DROP COLUMN `last_seen_at`;
