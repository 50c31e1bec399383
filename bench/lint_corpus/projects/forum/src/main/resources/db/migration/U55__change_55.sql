DROP TABLE `badges_1`;
