ALTER TABLE `notifications` ADD INDEX `idx_notifications_title_2` (`title`);
ALTER TABLE `tags_1` ADD INDEX `idx_tags_1_id_2` (`id`);
