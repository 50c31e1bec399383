ALTER TABLE `posts` DROP COLUMN `pinned`;
ALTER TABLE `reports` DROP COLUMN `views`;
