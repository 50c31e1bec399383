CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS v_refunds_description_key ON v_refunds (description);
