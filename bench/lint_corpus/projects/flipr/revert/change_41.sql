-- Revert flipr:change_41 from pg

BEGIN;

ALTER TABLE f_invoices ALTER COLUMN email TYPE varchar(255);

COMMIT;
