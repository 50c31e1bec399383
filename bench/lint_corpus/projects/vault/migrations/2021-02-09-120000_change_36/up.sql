DROP FUNCTION IF EXISTS count_v_reviews(bigint);
CREATE FUNCTION count_v_reviews(owner bigint) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM v_reviews WHERE id > owner $$;
