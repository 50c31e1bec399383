-- Deploy flipr:change_14 to pg

BEGIN;

ALTER TABLE f_addresses ALTER COLUMN priority TYPE bigint;

COMMIT;
