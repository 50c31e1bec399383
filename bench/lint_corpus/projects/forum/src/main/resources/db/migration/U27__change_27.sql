ALTER TABLE `users` DROP INDEX `idx_users_slug_on`;
