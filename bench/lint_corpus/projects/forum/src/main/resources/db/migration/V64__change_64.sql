ALTER TABLE `topic_tags` ADD INDEX `idx_topic_tags_title_2` (`title`);
