DROP INDEX CONCURRENTLY IF EXISTS v_reviews_v_product_id_cidx;
