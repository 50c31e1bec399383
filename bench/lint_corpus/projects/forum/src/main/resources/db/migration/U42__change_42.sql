ALTER TABLE `notifications` DROP FOREIGN KEY `fk_notifications_tag_ref_id`;
ALTER TABLE `notifications` DROP COLUMN `tag_ref_id`;
