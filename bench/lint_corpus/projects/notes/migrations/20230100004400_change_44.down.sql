DROP INDEX IF EXISTS idx_notebooks_11_id;
