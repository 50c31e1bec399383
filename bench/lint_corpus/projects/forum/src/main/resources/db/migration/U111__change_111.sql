ALTER TABLE `topics_1` MODIFY `score` INT NULL;
ALTER TABLE `users_2` DROP COLUMN `last_seen_at`;
