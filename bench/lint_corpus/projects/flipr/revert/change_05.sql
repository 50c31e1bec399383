-- Revert flipr:change_05 from pg

BEGIN;

DROP TABLE f_customers;

COMMIT;
