ALTER TABLE id_invoices ALTER COLUMN locale TYPE varchar(10);
