ALTER TABLE `notifications` DROP INDEX `idx_notifications_vote_id_2`;
