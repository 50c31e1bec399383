ALTER TABLE id_carts RENAME COLUMN currency TO new_currency;
DROP FUNCTION IF EXISTS count_id_coupons(bigint);
CREATE FUNCTION count_id_coupons(owner bigint) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM id_coupons WHERE id > owner $$;
