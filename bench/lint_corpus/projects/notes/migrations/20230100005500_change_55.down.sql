ALTER TABLE notebooks_11 DROP COLUMN position;
