DROP VIEW IF EXISTS notebooks_11_recent;
