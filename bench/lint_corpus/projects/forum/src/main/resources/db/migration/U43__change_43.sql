ALTER TABLE `user_badges` MODIFY `title` VARCHAR(510) NULL;
