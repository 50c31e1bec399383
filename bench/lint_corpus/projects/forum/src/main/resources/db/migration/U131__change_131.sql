ALTER TABLE `topics` DROP COLUMN `locale`;
ALTER TABLE `uploads` DROP COLUMN `pinned_2`;
