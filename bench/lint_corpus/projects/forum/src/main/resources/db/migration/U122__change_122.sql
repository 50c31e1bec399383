DROP TABLE `posts_3`;
