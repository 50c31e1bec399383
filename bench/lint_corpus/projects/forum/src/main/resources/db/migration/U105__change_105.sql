ALTER TABLE `categories_2` DROP INDEX `idx_categories_2_id_on`;
ALTER TABLE `topic_tags` MODIFY `slug` VARCHAR(191) NULL;
