-- Revert flipr:change_04 from pg

BEGIN;

DROP TABLE f_categories;

COMMIT;
