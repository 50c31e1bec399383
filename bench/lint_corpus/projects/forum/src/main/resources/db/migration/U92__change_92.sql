DROP TABLE `votes_2`;
