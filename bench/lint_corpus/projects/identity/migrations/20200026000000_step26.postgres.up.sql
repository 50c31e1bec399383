ALTER TABLE id_categories ADD COLUMN priority smallint;
ALTER TABLE id_reviews ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid();
