DELETE FROM `uploads_1` WHERE `id` < 100;
