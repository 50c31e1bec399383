DROP FUNCTION IF EXISTS count_v_customers(bigint);
CREATE FUNCTION count_v_customers(owner bigint) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM v_customers WHERE id > owner $$;
