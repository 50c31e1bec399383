ALTER TABLE `reports` MODIFY `title` VARCHAR(510) NULL;
ALTER TABLE `topic_tags_2` ADD INDEX `idx_topic_tags_2_uploads_2_id_on` (`uploads_2_id`), ALGORITHM=INPLACE, LOCK=NONE;
