-- Revert flipr:change_37 from pg

BEGIN;

DROP TABLE f_warehouses;

COMMIT;
