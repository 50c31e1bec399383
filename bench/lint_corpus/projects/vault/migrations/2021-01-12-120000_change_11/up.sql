ALTER TABLE v_categories ADD COLUMN v_addresse_link_id bigint;
ALTER TABLE v_categories ADD CONSTRAINT v_categories_v_addresse_link_id_fkey FOREIGN KEY (v_addresse_link_id) REFERENCES v_addresses (id) NOT VALID;
