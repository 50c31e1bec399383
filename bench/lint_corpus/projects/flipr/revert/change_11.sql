-- Revert flipr:change_11 from pg

BEGIN;

DROP INDEX CONCURRENTLY IF EXISTS f_order_items_id_cidx;

COMMIT;
