DROP TABLE `notifications_2`;
