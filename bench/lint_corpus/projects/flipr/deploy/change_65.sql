-- Deploy flipr:change_65 to pg

BEGIN;

GRANT SELECT ON f_categories TO reporting;

COMMIT;
