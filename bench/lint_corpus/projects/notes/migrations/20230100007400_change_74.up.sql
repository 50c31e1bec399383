CREATE INDEX IF NOT EXISTS idx_tags_pinned ON tags (pinned);
