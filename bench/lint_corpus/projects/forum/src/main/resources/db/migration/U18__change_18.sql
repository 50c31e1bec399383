ALTER TABLE `posts` DROP INDEX `idx_posts_flags_2`;
