ALTER TABLE `uploads` MODIFY `score` INT NULL;
