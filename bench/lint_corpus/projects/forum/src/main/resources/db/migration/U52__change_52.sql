DROP TABLE `votes_1`;
