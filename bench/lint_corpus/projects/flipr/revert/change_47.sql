-- Revert flipr:change_47 from pg

BEGIN;

DROP TABLE f_suppliers;

COMMIT;
