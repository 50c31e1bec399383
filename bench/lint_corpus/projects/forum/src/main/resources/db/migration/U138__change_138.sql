DROP TABLE `user_badges_3`;
