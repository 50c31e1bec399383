ALTER TABLE `notifications` ADD INDEX `idx_notifications_score_on` (`score`), ALGORITHM=INPLACE, LOCK=NONE;
