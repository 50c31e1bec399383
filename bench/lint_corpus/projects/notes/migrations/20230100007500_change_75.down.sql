ALTER TABLE notes_10 DROP COLUMN remote_id;
