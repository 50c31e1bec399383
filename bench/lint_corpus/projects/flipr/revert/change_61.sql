-- Revert flipr:change_61 from pg

BEGIN;

DROP TABLE f_audit_logs;
DROP INDEX idx_f_tax_rates_created_at;

COMMIT;
