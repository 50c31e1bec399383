BEGIN;

GRANT SELECT ON tax_rates TO reporting;

COMMIT;
