-- Revert flipr:change_27 from pg

BEGIN;

ALTER TABLE f_addresses DROP COLUMN slug;

COMMIT;
