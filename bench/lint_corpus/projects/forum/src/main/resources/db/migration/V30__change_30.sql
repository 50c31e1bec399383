UPDATE `drafts` SET `slug` = `slug` WHERE `id` BETWEEN 1 AND 10000;
