ALTER TABLE `users` DROP COLUMN `views`;
