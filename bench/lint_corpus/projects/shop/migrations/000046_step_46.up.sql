CREATE INDEX CONCURRENTLY IF NOT EXISTS tax_rates_refund_link_id_cidx ON tax_rates (refund_link_id);
