BEGIN;

ALTER TABLE customers RENAME COLUMN priority TO new_priority;
ALTER TABLE audit_logs DROP COLUMN external_ref;

COMMIT;
