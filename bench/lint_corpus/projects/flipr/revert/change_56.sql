-- Revert flipr:change_56 from pg

BEGIN;


COMMIT;
