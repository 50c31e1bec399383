ALTER TABLE devices DROP COLUMN pinned;
