DROP TRIGGER IF EXISTS `drafts_3_bi`;
CREATE TRIGGER `drafts_3_bi` BEFORE INSERT ON `drafts_3` FOR EACH ROW SET NEW.created_at = COALESCE(NEW.created_at, NOW());
