DROP TABLE `drafts`;
ALTER TABLE `topics` DROP INDEX `idx_topics_id_2`;
