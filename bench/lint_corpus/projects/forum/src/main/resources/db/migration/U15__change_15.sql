ALTER TABLE `badges` DROP COLUMN `pinned`;
