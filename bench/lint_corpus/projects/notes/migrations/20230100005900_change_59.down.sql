DROP TABLE note_tags_13;
