ALTER TABLE events ADD COLUMN id bigserial;
