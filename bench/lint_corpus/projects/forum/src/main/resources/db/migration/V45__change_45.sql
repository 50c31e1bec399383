DROP TRIGGER IF EXISTS `categories_bi`;
CREATE TRIGGER `categories_bi` BEFORE INSERT ON `categories` FOR EACH ROW SET NEW.created_at = COALESCE(NEW.created_at, NOW());
ALTER TABLE `topics_1` ADD COLUMN `locale` VARCHAR(10) NULL;
