DROP INDEX CONCURRENTLY IF EXISTS v_refunds_description_key;
