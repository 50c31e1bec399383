ALTER TABLE `categories_1` ADD INDEX `idx_categories_1_ip_on` (`ip`), ALGORITHM=INPLACE, LOCK=NONE;
