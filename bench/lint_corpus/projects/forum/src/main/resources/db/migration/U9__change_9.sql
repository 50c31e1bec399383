ALTER TABLE `categories` ADD COLUMN `score` INT NULL;
