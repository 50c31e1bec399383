ALTER TABLE `posts` ADD INDEX `idx_posts_topic_id_on` (`topic_id`), ALGORITHM=INPLACE, LOCK=NONE;
