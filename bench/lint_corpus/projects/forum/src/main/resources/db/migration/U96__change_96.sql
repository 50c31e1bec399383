DROP TABLE `user_badges_2`;
