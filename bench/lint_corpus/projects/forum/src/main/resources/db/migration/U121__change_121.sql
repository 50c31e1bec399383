DROP TABLE `topics_3`;
DELETE FROM `topics_2` WHERE `id` < 100;
