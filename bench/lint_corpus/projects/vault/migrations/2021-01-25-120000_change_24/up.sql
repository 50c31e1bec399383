CREATE INDEX CONCURRENTLY IF NOT EXISTS v_reviews_v_product_id_cidx ON v_reviews (v_product_id);
