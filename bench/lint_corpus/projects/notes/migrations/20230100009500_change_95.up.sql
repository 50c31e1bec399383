CREATE INDEX IF NOT EXISTS idx_tags_12_title ON tags_12 (title);
