DROP TRIGGER IF EXISTS `notifications_bi`;
CREATE TRIGGER `notifications_bi` BEFORE INSERT ON `notifications` FOR EACH ROW SET NEW.created_at = COALESCE(NEW.created_at, NOW());
