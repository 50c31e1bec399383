ALTER TABLE id_customers ALTER COLUMN email TYPE varchar(510);
