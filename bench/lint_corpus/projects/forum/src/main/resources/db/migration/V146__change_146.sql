ALTER TABLE `users_2` DROP COLUMN `slug`;
