ALTER TABLE id_customers DROP COLUMN external_ref;
