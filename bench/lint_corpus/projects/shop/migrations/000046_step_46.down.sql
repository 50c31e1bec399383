DROP INDEX CONCURRENTLY IF EXISTS tax_rates_refund_link_id_cidx;
