ALTER TABLE v_reviews ALTER COLUMN priority TYPE bigint;
