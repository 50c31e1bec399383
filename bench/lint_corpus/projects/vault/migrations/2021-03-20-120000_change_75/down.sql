DROP INDEX CONCURRENTLY IF EXISTS v_api_keys_v_review_id_cidx;
