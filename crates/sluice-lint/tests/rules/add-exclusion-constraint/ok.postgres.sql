CREATE TABLE fresh (room int, during tstzrange);
ALTER TABLE fresh ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);
