ALTER TABLE `votes_2` ADD INDEX `idx_votes_2_uploads_1_id_2` (`uploads_1_id`);
