ALTER TABLE `posts` ADD INDEX `idx_posts_id_2` (`id`);
