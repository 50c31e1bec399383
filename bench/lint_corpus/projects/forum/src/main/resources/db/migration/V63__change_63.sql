ALTER TABLE `bans` ADD COLUMN `draft_ref_id` BIGINT UNSIGNED NULL;
ALTER TABLE `bans` ADD CONSTRAINT `fk_bans_draft_ref_id` FOREIGN KEY (`draft_ref_id`) REFERENCES `drafts` (`id`);
