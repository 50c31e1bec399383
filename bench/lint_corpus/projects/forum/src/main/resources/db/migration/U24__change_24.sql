ALTER TABLE `topics` DROP COLUMN `meta`;
