-- Revert flipr:change_59 from pg

BEGIN;

DROP TABLE f_api_keys;

COMMIT;
