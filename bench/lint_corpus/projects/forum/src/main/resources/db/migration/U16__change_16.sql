ALTER TABLE `badges` DROP COLUMN `pinned_2`;
