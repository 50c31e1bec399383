ALTER TABLE id_invoices DROP COLUMN retries;
ALTER TABLE id_carts DROP COLUMN public_id;
ALTER TABLE id_products ADD COLUMN external_ref varchar(128);
