ALTER TABLE `users` ADD INDEX `idx_users_status_2` (`status`);
