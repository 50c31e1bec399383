-- Deploy flipr:change_15 to pg

BEGIN;

ALTER TABLE f_customers ADD CONSTRAINT f_customers_id_not_null CHECK (id IS NOT NULL) NOT VALID;

COMMIT;
