ALTER TABLE `categories_1` DROP INDEX `idx_categories_1_ip_on`;
