ALTER TABLE `categories_2` ADD INDEX `idx_categories_2_body_2` (`body`);
