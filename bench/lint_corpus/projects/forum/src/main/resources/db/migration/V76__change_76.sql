ALTER TABLE `topic_tags` ADD INDEX `idx_topic_tags_slug_on` (`slug`), ALGORITHM=INPLACE, LOCK=NONE;
