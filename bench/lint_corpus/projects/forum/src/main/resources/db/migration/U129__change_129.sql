ALTER TABLE `reports_2` DROP COLUMN `last_seen_at`;
