ALTER TABLE `categories` DROP COLUMN `views`;
DROP TABLE `categories_2`;
