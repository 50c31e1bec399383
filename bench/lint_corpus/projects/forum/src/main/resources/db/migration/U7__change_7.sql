ALTER TABLE `votes` DROP INDEX `idx_votes_status_2`;
