DROP TRIGGER IF EXISTS `categories_bi`;
CREATE TRIGGER `categories_bi` BEFORE INSERT ON `categories` FOR EACH ROW SET NEW.created_at = COALESCE(NEW.created_at, NOW());
