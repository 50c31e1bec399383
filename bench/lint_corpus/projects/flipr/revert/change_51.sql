-- Revert flipr:change_51 from pg

BEGIN;

DROP TABLE f_tax_rates;

COMMIT;
