ALTER TABLE notebooks DROP COLUMN archived;
