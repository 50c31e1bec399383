CREATE INDEX IF NOT EXISTS idx_notebooks_remote_id ON notebooks (remote_id);
