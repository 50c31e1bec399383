ALTER TABLE id_customers DROP COLUMN locale;
