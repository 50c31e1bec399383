ALTER TABLE id_payments DROP COLUMN id_categorie_link_id;
