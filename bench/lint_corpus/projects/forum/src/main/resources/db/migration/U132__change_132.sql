ALTER TABLE `reports` DROP INDEX `idx_reports_bookmark_id_on`;
