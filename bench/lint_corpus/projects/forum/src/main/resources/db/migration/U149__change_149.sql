ALTER TABLE `bans_3` DROP INDEX `idx_bans_3_slug_on`;
