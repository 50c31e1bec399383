DROP INDEX IF EXISTS idx_tags_pinned;
