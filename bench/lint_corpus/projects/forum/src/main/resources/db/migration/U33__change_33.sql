ALTER TABLE `drafts` DROP INDEX `idx_drafts_status_2`;
DROP TABLE `bookmarks`;
