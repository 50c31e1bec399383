ALTER TABLE `reports` DROP COLUMN `slug`;
ALTER TABLE `user_badges` MODIFY `title` VARCHAR(510) NULL;
