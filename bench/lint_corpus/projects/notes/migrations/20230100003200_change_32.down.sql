DROP VIEW IF EXISTS note_tags_recent;
