ALTER TABLE v_categories DROP COLUMN v_addresse_link_id;
