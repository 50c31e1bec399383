ALTER TABLE `notifications` DROP INDEX `idx_notifications_score_on`;
