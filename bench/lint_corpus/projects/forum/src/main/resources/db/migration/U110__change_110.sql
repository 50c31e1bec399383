ALTER TABLE `user_badges` ADD COLUMN `meta` JSON NULL;
ALTER TABLE `posts_2` DROP COLUMN `pinned`;
