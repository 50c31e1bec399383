-- Revert flipr:change_30 from pg

BEGIN;

ALTER TABLE f_invoices DROP COLUMN email;

COMMIT;
