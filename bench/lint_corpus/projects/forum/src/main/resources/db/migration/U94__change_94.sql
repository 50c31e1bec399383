ALTER TABLE `votes` DROP COLUMN `locale`;
