CREATE INDEX IF NOT EXISTS idx_notebooks_11_title ON notebooks_11 (title);
