DROP INDEX CONCURRENTLY IF EXISTS invoices_description_cidx;
