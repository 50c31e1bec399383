-- Deploy flipr:change_40 to pg

BEGIN;

ALTER TABLE f_categories ADD COLUMN external_ref varchar(64);

COMMIT;
