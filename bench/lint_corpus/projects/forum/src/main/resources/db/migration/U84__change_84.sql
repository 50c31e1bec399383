ALTER TABLE `bans_2` DROP COLUMN `locale`;
