ALTER TABLE `drafts` DROP INDEX `idx_drafts_ip_2`;
