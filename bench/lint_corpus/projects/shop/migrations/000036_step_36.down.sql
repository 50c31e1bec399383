ALTER TABLE reviews DROP COLUMN archived_at;
