DROP TABLE `bans_2`;
ALTER TABLE `tags` DROP COLUMN `meta`;
