-- Revert flipr:change_14 from pg

BEGIN;

ALTER TABLE f_addresses ALTER COLUMN priority TYPE smallint;

COMMIT;
