-- Revert flipr:change_65 from pg

BEGIN;

REVOKE SELECT ON f_categories FROM reporting;

COMMIT;
