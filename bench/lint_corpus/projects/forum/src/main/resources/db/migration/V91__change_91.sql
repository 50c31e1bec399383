DROP TRIGGER IF EXISTS `user_badges_1_bi`;
CREATE TRIGGER `user_badges_1_bi` BEFORE INSERT ON `user_badges_1` FOR EACH ROW SET NEW.created_at = COALESCE(NEW.created_at, NOW());
