DROP FUNCTION IF EXISTS count_v_order_items(bigint);
CREATE FUNCTION count_v_order_items(owner bigint) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM v_order_items WHERE id > owner $$;
ALTER TABLE v_products RENAME TO v_products_archive;
