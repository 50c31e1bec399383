-- Deploy flipr:change_23 to pg

BEGIN;

ALTER TABLE f_categories ALTER COLUMN slug TYPE varchar(240);

COMMIT;
