DROP FUNCTION count_v_customers(bigint);
