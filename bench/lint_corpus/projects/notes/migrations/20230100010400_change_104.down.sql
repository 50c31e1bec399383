DROP INDEX IF EXISTS idx_notebooks_id;
