ALTER TABLE `users_1` DROP INDEX `idx_users_1_user_badge_id_on`;
ALTER TABLE `users` DROP INDEX `idx_users_pinned_on`;
