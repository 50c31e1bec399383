ALTER TABLE invoices DROP COLUMN retries;
ALTER TABLE order_items DROP COLUMN public_id_2;
