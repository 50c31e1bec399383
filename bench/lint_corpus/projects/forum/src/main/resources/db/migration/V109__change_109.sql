UPDATE `notifications_2` SET `id` = `id` WHERE `id` BETWEEN 1 AND 10000;
