DROP INDEX IF EXISTS idx_tags_12_title;
