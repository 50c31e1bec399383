-- Revert flipr:change_23 from pg

BEGIN;

ALTER TABLE f_categories ALTER COLUMN slug TYPE varchar(120);

COMMIT;
