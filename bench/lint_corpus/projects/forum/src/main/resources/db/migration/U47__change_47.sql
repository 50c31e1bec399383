DROP TABLE `posts_1`;
