ALTER TABLE `drafts_2` DROP COLUMN `pinned`;
