-- Deploy flipr:change_18 to pg

BEGIN;

ALTER TABLE f_customers DROP COLUMN status;

COMMIT;
