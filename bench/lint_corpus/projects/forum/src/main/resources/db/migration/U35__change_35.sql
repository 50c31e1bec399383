DROP TRIGGER IF EXISTS `categories_bi`;
