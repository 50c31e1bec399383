ALTER TABLE `posts` DROP INDEX `idx_posts_topic_id_on`;
