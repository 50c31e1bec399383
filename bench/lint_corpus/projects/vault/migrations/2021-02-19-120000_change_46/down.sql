ALTER TABLE v_reviews DROP COLUMN priority;
