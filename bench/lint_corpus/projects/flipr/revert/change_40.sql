-- Revert flipr:change_40 from pg

BEGIN;

ALTER TABLE f_categories DROP COLUMN external_ref;

COMMIT;
