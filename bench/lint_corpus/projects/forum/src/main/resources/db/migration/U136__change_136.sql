DROP TABLE `badges_3`;
