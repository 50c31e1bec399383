ALTER TABLE `user_badges_2` DROP COLUMN `locale`;
