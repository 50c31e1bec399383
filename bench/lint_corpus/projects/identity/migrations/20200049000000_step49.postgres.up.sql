ALTER TABLE id_suppliers ADD COLUMN external_ref varchar(64);
