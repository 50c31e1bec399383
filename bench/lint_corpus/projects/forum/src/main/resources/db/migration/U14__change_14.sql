DROP TABLE `user_badges`;
