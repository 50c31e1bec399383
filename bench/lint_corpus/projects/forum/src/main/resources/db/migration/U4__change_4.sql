DROP TABLE `categories`;
