-- Revert flipr:change_43 from pg

BEGIN;

DROP FUNCTION count_f_invoices(bigint);

COMMIT;
