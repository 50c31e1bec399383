ALTER TABLE `reports_1` DROP COLUMN `last_seen_at`;
