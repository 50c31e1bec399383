ALTER TABLE `posts` ADD INDEX `idx_posts_flags_2` (`flags`);
