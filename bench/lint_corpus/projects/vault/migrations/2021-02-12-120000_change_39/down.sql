ALTER TABLE v_categories DROP COLUMN is_archived;
