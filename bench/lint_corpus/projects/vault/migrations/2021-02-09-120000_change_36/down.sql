DROP FUNCTION count_v_reviews(bigint);
