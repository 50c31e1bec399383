-- Revert flipr:change_19 from pg

BEGIN;

ALTER TABLE f_categories DROP COLUMN state;

COMMIT;
