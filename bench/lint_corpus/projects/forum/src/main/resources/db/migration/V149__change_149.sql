ALTER TABLE `bans_3` ADD INDEX `idx_bans_3_slug_on` (`slug`), ALGORITHM=INPLACE, LOCK=NONE;
