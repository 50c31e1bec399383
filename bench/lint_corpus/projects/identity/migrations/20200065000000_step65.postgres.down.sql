DROP FUNCTION count_id_coupons(bigint);
ALTER TABLE id_carts RENAME COLUMN new_currency TO currency;
