-- Revert flipr:change_70 from pg

BEGIN;

DROP TABLE f_teams;

COMMIT;
