ALTER TABLE `topics_1` DROP COLUMN `pinned`;
ALTER TABLE `drafts_1` DROP COLUMN `locale`;
