ALTER TABLE `users_1` DROP COLUMN `title`;
