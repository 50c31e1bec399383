DELETE FROM `bans` WHERE `id` < 100;
