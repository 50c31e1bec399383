DROP TABLE `bookmarks_2`;
