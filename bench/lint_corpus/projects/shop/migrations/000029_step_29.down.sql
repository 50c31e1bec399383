ALTER TABLE invoices DROP COLUMN public_id;
