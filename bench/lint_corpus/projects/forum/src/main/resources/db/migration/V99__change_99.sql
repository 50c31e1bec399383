ALTER TABLE `drafts_1` ADD INDEX `idx_drafts_1_status_on` (`status`), ALGORITHM=INPLACE, LOCK=NONE;
