ALTER TABLE `notifications` ADD INDEX `idx_notifications_vote_id_2` (`vote_id`);
