-- Revert flipr:change_03 from pg

BEGIN;

DROP TABLE f_products;

COMMIT;
