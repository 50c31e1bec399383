ALTER TABLE `bookmarks` ADD COLUMN `ip` VARCHAR(45) NULL;
ALTER TABLE `drafts_1` DROP FOREIGN KEY `fk_drafts_1_topic_tag_ref_id`;
ALTER TABLE `drafts_1` DROP COLUMN `topic_tag_ref_id`;
