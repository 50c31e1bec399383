ALTER TABLE `bookmarks_2` ADD COLUMN `drafts_2_ref_id` BIGINT UNSIGNED NULL;
ALTER TABLE `bookmarks_2` ADD CONSTRAINT `fk_bookmarks_2_drafts_2_ref_id` FOREIGN KEY (`drafts_2_ref_id`) REFERENCES `drafts_2` (`id`);
