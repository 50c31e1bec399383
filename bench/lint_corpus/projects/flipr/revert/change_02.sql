-- Revert flipr:change_02 from pg

BEGIN;

DROP TABLE f_order_items;

COMMIT;
