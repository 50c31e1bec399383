DROP TABLE `votes`;
ALTER TABLE `users` DROP COLUMN `meta`;
