DROP TABLE `categories_1`;
