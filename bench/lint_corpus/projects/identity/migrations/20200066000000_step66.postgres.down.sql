DROP FUNCTION count_id_carts(bigint);
