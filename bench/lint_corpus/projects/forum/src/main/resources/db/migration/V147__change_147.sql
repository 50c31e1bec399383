UPDATE `votes_3` SET `status` = `status` WHERE `id` BETWEEN 1 AND 10000;
