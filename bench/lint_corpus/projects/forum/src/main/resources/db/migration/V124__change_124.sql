INSERT IGNORE INTO `categories_2` (`id`) VALUES (98);
