ALTER TABLE `users` DROP COLUMN `pinned`;
