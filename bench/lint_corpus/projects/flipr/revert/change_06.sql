-- Revert flipr:change_06 from pg

BEGIN;

DROP INDEX CONCURRENTLY IF EXISTS f_order_items_created_at_cidx;

COMMIT;
