ALTER TABLE id_customers ADD COLUMN position integer;
