DROP TABLE `topics`;
