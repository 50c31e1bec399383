DROP TABLE `reports`;
