DROP TABLE `user_badges_1`;
