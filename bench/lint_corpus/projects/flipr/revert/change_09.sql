-- Revert flipr:change_09 from pg

BEGIN;

DROP TABLE f_addresses;

COMMIT;
