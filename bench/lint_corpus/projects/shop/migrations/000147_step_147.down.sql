ALTER TABLE events DROP COLUMN is_archived;
