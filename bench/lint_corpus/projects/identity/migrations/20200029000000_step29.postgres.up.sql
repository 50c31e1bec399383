CREATE INDEX idx_id_invoices_created_at ON id_invoices (created_at);
ALTER TABLE id_categories ADD CONSTRAINT id_categories_priority_check CHECK (priority IS DISTINCT FROM NULL);
