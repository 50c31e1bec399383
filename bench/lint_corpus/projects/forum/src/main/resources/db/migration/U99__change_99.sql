ALTER TABLE `drafts_1` DROP INDEX `idx_drafts_1_status_on`;
