DROP INDEX IF EXISTS idx_notebooks_remote_id;
