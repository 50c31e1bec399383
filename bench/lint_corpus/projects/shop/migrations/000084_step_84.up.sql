CREATE INDEX CONCURRENTLY IF NOT EXISTS invoices_description_cidx ON invoices (description);
