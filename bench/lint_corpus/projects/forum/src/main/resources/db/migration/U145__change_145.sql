ALTER TABLE `posts` DROP INDEX `idx_posts_id_2`;
