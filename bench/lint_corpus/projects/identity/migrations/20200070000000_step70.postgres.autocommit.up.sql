CREATE INDEX CONCURRENTLY IF NOT EXISTS id_tax_rates_id_cidx ON id_tax_rates (id);
