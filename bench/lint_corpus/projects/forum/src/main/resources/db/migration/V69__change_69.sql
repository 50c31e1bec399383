ALTER TABLE `drafts_1` ADD COLUMN `topic_tag_ref_id` BIGINT UNSIGNED NULL;
ALTER TABLE `drafts_1` ADD CONSTRAINT `fk_drafts_1_topic_tag_ref_id` FOREIGN KEY (`topic_tag_ref_id`) REFERENCES `topic_tags` (`id`);
ALTER TABLE `bookmarks` DROP COLUMN `ip`;
