ALTER TABLE `uploads` DROP COLUMN `locale`;
