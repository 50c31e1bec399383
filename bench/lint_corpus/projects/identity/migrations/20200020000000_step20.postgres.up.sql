ALTER TABLE id_payments ADD COLUMN id_categorie_link_id bigint;
ALTER TABLE id_payments ADD CONSTRAINT id_payments_id_categorie_link_id_fkey FOREIGN KEY (id_categorie_link_id) REFERENCES id_categories (id) NOT VALID;
