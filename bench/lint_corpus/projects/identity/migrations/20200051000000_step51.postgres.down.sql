ALTER TABLE id_customers DROP COLUMN status;
