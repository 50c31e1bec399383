DELETE FROM `categories_2` WHERE `id` < 100;
