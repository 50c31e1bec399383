DROP TABLE `uploads_2`;
