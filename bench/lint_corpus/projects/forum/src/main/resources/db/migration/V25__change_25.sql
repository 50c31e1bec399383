ALTER TABLE `votes` ADD INDEX `idx_votes_ip_on` (`ip`), ALGORITHM=INPLACE, LOCK=NONE;
