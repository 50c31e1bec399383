CREATE INDEX CONCURRENTLY IF NOT EXISTS v_api_keys_v_review_id_cidx ON v_api_keys (v_review_id);
