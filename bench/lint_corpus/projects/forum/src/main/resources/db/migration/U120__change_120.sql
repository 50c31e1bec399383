DROP TABLE `users_3`;
