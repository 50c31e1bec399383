ALTER TABLE `topic_tags_2` CHANGE `body_old` `body` MEDIUMTEXT NULL;
