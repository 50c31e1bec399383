ALTER TABLE id_customers ADD COLUMN external_ref varchar(64);
