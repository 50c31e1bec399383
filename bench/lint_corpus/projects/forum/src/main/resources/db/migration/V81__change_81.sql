UPDATE `topics_1` SET `vote_id` = `vote_id` WHERE `id` BETWEEN 1 AND 10000;
