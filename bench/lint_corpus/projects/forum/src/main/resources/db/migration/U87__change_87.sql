ALTER TABLE `uploads_1` DROP COLUMN `meta`;
