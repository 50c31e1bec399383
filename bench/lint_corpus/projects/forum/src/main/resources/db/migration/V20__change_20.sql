UPDATE `topics` SET `user_id` = `user_id` WHERE `id` BETWEEN 1 AND 10000;
ALTER TABLE `users` ADD COLUMN `pinned` TINYINT(1) NOT NULL DEFAULT 0;
