DROP TABLE `uploads_1`;
