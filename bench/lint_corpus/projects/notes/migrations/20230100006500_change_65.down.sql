ALTER TABLE note_tags DROP COLUMN pinned;
