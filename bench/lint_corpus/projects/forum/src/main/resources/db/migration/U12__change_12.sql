DELETE FROM `categories` WHERE `id` < 100;
