ALTER TABLE `topic_tags_2` DROP INDEX `idx_topic_tags_2_uploads_2_id_on`;
ALTER TABLE `reports` MODIFY `title` VARCHAR(255) NULL;
