ALTER TABLE `bans` DROP FOREIGN KEY `fk_bans_draft_ref_id`;
ALTER TABLE `bans` DROP COLUMN `draft_ref_id`;
