ALTER TABLE `votes_2` DROP INDEX `idx_votes_2_uploads_1_id_2`;
