ALTER TABLE `user_badges` DROP COLUMN `meta`;
DROP TABLE `topic_tags`;
