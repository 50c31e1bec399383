DROP FUNCTION count_order_items_archive(bigint);
ALTER TABLE addresses DROP COLUMN external_ref;
