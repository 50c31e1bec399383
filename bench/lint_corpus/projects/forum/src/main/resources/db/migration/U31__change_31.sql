DROP TRIGGER IF EXISTS `notifications_bi`;
