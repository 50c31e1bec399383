CREATE INDEX IF NOT EXISTS idx_notebooks_id ON notebooks (id);
