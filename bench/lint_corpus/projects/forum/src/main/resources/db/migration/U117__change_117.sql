ALTER TABLE `bookmarks_2` DROP FOREIGN KEY `fk_bookmarks_2_drafts_2_ref_id`;
ALTER TABLE `bookmarks_2` DROP COLUMN `drafts_2_ref_id`;
