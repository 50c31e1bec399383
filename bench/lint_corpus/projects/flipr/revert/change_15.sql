-- Revert flipr:change_15 from pg

BEGIN;

ALTER TABLE f_customers DROP CONSTRAINT f_customers_id_not_null;

COMMIT;
