ALTER TABLE `notifications_1` MODIFY `slug` VARCHAR(191) NULL;
DROP TABLE `bookmarks_1`;
