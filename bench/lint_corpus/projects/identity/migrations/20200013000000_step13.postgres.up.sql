ALTER TABLE id_customers ADD COLUMN locale varchar(10);
