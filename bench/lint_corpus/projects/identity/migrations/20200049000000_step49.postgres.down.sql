ALTER TABLE id_suppliers DROP COLUMN external_ref;
