DROP TABLE `badges_2`;
