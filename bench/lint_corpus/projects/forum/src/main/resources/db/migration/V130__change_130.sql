ALTER TABLE `topic_tags_2` CHANGE `body` `body_old` MEDIUMTEXT NULL;
