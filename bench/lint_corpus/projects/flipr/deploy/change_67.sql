-- Deploy flipr:change_67 to pg

BEGIN;

ALTER TABLE f_carts ADD COLUMN locale varchar(10);
ALTER TABLE f_audit_logs ADD COLUMN state text;
UPDATE f_audit_logs SET state = 'active' WHERE state IS NULL;
ALTER TABLE f_audit_logs ALTER COLUMN state SET NOT NULL;

COMMIT;
