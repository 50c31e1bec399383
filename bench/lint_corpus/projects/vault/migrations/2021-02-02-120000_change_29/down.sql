DROP INDEX CONCURRENTLY IF EXISTS v_payments_currency_cidx;
