-- Revert flipr:change_34 from pg

BEGIN;

ALTER TABLE f_categories ALTER COLUMN position TYPE integer;

COMMIT;
