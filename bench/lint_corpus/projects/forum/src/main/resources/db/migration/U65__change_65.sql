DROP TABLE `notifications_1`;
