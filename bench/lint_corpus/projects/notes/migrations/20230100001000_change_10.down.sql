DROP VIEW IF EXISTS notes_recent;
