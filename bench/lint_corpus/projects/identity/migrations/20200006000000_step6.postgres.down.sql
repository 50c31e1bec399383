ALTER TABLE id_products ALTER COLUMN external_ref TYPE varchar(64);
