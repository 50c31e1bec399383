DROP FUNCTION IF EXISTS count_id_carts(bigint);
CREATE FUNCTION count_id_carts(owner bigint) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM id_carts WHERE id > owner $$;
