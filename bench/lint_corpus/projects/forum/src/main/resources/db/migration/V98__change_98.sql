ALTER TABLE `categories_1` MODIFY `slug` VARCHAR(764) NULL;
UPDATE `topics_1` SET `status` = `status` WHERE `id` BETWEEN 1 AND 10000;
