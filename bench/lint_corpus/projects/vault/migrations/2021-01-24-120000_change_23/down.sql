ALTER TABLE v_products_archive RENAME TO v_products;
DROP FUNCTION count_v_order_items(bigint);
