DROP TABLE `uploads_3`;
