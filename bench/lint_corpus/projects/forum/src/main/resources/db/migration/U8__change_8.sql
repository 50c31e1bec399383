DROP TABLE `badges`;
