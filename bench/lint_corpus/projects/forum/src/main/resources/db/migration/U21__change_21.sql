DELETE FROM `topics` WHERE `id` < 100;
