UPDATE `topics_3` SET `body` = `body` WHERE `id` BETWEEN 1 AND 10000;
