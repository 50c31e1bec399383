ALTER TABLE `notifications` DROP COLUMN `meta`;
