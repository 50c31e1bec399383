ALTER TABLE `bookmarks` CHANGE `slug` `slug_old` VARCHAR(191) NULL;
