INSERT IGNORE INTO `categories` (`id`) VALUES (7);
