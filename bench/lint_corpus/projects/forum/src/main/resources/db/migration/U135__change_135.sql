DROP TABLE `votes_3`;
