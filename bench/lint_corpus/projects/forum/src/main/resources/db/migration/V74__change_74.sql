INSERT IGNORE INTO `uploads_1` (`id`) VALUES (39);
