DROP TABLE `topic_tags_2`;
ALTER TABLE `reports` MODIFY `views` INT NULL;
