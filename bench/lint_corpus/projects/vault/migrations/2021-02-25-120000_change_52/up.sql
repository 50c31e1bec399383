ALTER TABLE v_customers ADD COLUMN v_categorie_link_id bigint;
ALTER TABLE v_customers ADD CONSTRAINT v_customers_v_categorie_link_id_fkey FOREIGN KEY (v_categorie_link_id) REFERENCES v_categories (id) NOT VALID;
