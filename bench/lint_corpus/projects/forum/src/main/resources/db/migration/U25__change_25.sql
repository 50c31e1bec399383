ALTER TABLE `votes` DROP INDEX `idx_votes_ip_on`;
