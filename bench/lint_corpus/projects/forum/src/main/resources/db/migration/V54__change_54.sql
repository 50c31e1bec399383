ALTER TABLE `notifications` ADD COLUMN `meta` JSON NULL;
