ALTER TABLE id_reviews DROP COLUMN public_id;
ALTER TABLE id_categories DROP COLUMN priority;
