ALTER TABLE `topic_tags_2` ADD COLUMN `score` INT NULL;
DROP TABLE `bans_3`;
