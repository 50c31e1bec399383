ALTER TABLE v_orders DROP COLUMN v_categorie_ref_id;
