DROP FUNCTION count_id_refunds(bigint);
