ALTER TABLE comments DROP COLUMN public_id;
