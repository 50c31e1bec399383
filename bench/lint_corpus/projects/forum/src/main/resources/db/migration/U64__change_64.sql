ALTER TABLE `topic_tags` DROP INDEX `idx_topic_tags_title_2`;
