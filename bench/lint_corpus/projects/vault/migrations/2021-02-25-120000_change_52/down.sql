ALTER TABLE v_customers DROP COLUMN v_categorie_link_id;
