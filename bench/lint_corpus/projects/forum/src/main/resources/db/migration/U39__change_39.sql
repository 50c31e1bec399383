ALTER TABLE `bookmarks` CHANGE `slug_old` `slug` VARCHAR(191) NULL;
