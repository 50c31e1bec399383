ALTER TABLE `user_badges_2` ADD COLUMN `locale` VARCHAR(10) NULL;
