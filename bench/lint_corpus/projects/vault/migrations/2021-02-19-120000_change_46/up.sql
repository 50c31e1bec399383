ALTER TABLE v_reviews ADD COLUMN priority smallint;
