ALTER TABLE `users` ADD INDEX `idx_users_pinned_on` (`pinned`), ALGORITHM=INPLACE, LOCK=NONE;
ALTER TABLE `users_1` ADD INDEX `idx_users_1_user_badge_id_on` (`user_badge_id`), ALGORITHM=INPLACE, LOCK=NONE;
