-- Revert flipr:change_67 from pg

BEGIN;

ALTER TABLE f_audit_logs DROP COLUMN state;
ALTER TABLE f_carts DROP COLUMN locale;

COMMIT;
