UPDATE `topics` SET `meta` = `meta` WHERE `id` BETWEEN 1 AND 10000;
