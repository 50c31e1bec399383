DROP TABLE `users_2`;
