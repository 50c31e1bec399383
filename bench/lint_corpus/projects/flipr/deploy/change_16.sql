-- Deploy flipr:change_16 to pg

BEGIN;

ALTER TABLE f_customers VALIDATE CONSTRAINT f_customers_id_not_null;

COMMIT;
