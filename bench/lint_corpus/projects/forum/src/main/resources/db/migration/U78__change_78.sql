ALTER TABLE `tags_1` DROP INDEX `idx_tags_1_id_2`;
ALTER TABLE `notifications` DROP INDEX `idx_notifications_title_2`;
