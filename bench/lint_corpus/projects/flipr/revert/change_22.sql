-- Revert flipr:change_22 from pg

BEGIN;

DROP TABLE f_carts;

COMMIT;
