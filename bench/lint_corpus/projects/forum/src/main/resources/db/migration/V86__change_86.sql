ALTER TABLE `topics_1` CHANGE `last_seen_at` `last_seen_at_old` DATETIME NULL;
