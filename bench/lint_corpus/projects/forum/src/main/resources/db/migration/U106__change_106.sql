DROP TABLE `tags_2`;
