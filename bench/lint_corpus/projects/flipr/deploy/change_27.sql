-- Deploy flipr:change_27 to pg

BEGIN;

ALTER TABLE f_addresses ADD COLUMN slug varchar(120);

COMMIT;
