ALTER TABLE v_categories ADD COLUMN is_archived boolean NOT NULL DEFAULT true;
