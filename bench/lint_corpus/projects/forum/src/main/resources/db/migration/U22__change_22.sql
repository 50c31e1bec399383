DROP TABLE `tags`;
