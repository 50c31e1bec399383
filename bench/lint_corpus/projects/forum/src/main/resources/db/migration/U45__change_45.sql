ALTER TABLE `topics_1` DROP COLUMN `locale`;
DROP TRIGGER IF EXISTS `categories_bi`;
