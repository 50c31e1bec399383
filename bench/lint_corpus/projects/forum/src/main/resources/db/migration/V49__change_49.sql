ALTER TABLE `drafts` ADD INDEX `idx_drafts_ip_2` (`ip`);
