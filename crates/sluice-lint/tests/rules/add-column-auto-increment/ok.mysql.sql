ALTER TABLE events ADD COLUMN note text;
