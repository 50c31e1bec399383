CREATE INDEX CONCURRENTLY IF NOT EXISTS v_payments_currency_cidx ON v_payments (currency);
