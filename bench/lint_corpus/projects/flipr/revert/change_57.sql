-- Revert flipr:change_57 from pg

BEGIN;

ALTER TABLE f_addresses DROP COLUMN metadata;

COMMIT;
