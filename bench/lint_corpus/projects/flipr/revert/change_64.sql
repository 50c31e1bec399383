-- Revert flipr:change_64 from pg

BEGIN;


COMMIT;
