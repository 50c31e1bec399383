ALTER TABLE `categories_2` DROP INDEX `idx_categories_2_body_2`;
