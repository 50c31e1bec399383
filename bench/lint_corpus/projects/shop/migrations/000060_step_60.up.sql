BEGIN;

ALTER TABLE addresses ADD COLUMN external_ref varchar(64);
DROP FUNCTION IF EXISTS count_order_items_archive(bigint);
CREATE FUNCTION count_order_items_archive(owner bigint) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM order_items_archive WHERE id > owner $$;

COMMIT;
