ALTER TABLE `notifications` ADD COLUMN `tag_ref_id` BIGINT UNSIGNED NULL;
ALTER TABLE `notifications` ADD CONSTRAINT `fk_notifications_tag_ref_id` FOREIGN KEY (`tag_ref_id`) REFERENCES `tags` (`id`);
