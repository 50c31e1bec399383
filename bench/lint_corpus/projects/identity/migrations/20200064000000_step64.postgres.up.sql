DROP FUNCTION IF EXISTS count_id_refunds(bigint);
CREATE FUNCTION count_id_refunds(owner bigint) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM id_refunds WHERE id > owner $$;
