DROP INDEX idx_id_invoices_id;
ALTER TABLE id_carts ALTER COLUMN position TYPE integer;
