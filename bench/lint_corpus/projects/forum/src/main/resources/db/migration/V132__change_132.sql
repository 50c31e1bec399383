ALTER TABLE `reports` ADD INDEX `idx_reports_bookmark_id_on` (`bookmark_id`), ALGORITHM=INPLACE, LOCK=NONE;
