ALTER TABLE `votes` ADD INDEX `idx_votes_status_2` (`status`);
