BEGIN;

ALTER TABLE plans RENAME COLUMN external_ref TO new_external_ref;

COMMIT;
