DROP TABLE id_suppliers;
ALTER TABLE id_customers DROP COLUMN currency;
