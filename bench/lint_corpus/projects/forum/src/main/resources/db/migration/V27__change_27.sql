ALTER TABLE `users` ADD INDEX `idx_users_slug_on` (`slug`), ALGORITHM=INPLACE, LOCK=NONE;
