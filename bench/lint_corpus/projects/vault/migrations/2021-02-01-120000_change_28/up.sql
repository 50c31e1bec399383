ALTER TABLE v_orders ADD COLUMN v_categorie_ref_id bigint;
ALTER TABLE v_orders ADD CONSTRAINT v_orders_v_categorie_ref_id_fkey FOREIGN KEY (v_categorie_ref_id) REFERENCES v_categories (id);
