ALTER TABLE id_customers ADD COLUMN status varchar(32);
