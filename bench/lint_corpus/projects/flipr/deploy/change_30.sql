-- Deploy flipr:change_30 to pg

BEGIN;

ALTER TABLE f_invoices ADD COLUMN email varchar(255);

COMMIT;
