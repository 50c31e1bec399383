DROP TRIGGER IF EXISTS `user_badges_1_bi`;
