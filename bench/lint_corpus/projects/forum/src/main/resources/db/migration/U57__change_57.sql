ALTER TABLE `users` DROP COLUMN `locale`;
