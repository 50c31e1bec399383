ALTER TABLE `topic_tags` MODIFY `slug` VARCHAR(382) NULL;
ALTER TABLE `categories_2` ADD INDEX `idx_categories_2_id_on` (`id`), ALGORITHM=INPLACE, LOCK=NONE;
