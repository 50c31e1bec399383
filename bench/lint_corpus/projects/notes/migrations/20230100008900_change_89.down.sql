ALTER TABLE notebooks DROP COLUMN body;
