CREATE INDEX CONCURRENTLY IF NOT EXISTS invoices_id_cidx ON invoices (id);
