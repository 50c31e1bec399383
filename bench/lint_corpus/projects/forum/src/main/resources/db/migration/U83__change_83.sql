DROP TABLE `topics_2`;
