ALTER TABLE `topics_1` CHANGE `last_seen_at_old` `last_seen_at` DATETIME NULL;
