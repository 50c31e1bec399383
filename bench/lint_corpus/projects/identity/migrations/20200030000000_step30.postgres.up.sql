ALTER TABLE id_carts ALTER COLUMN position TYPE bigint;
CREATE INDEX idx_id_invoices_id ON id_invoices (id);
