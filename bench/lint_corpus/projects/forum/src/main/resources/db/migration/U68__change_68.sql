DROP TABLE `topic_tags_1`;
DROP TABLE `tags_1`;
