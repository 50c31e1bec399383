ALTER TABLE `uploads` DROP COLUMN `pinned`;
