ALTER TABLE `user_badges_1` DROP COLUMN `views`;
ALTER TABLE `users` DROP COLUMN `meta_2`;
