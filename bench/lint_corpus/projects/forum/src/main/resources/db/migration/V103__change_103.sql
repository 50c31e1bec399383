UPDATE `bookmarks_1` SET `title` = `title` WHERE `id` BETWEEN 1 AND 10000;
