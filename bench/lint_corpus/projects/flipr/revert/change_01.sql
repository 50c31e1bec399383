-- Revert flipr:change_01 from pg

BEGIN;

DROP TABLE f_orders;

COMMIT;
