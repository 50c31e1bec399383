DROP TABLE `drafts_3`;
DROP TRIGGER IF EXISTS `badges_2_bi`;
