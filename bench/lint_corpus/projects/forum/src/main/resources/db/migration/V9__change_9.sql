ALTER TABLE `categories` DROP COLUMN `score`;
