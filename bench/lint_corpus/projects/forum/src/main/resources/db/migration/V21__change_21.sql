INSERT IGNORE INTO `topics` (`id`) VALUES (41);
