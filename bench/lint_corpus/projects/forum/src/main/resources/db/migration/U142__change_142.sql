ALTER TABLE `notifications_3` DROP INDEX `idx_notifications_3_status_2`;
DROP TABLE `notifications_3`;
