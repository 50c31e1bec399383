DROP TABLE `categories_3`;
