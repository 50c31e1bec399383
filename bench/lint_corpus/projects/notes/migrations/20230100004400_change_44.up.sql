CREATE INDEX IF NOT EXISTS idx_notebooks_11_id ON notebooks_11 (id);
