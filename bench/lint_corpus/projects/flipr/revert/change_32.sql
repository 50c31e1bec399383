-- Revert flipr:change_32 from pg

BEGIN;


COMMIT;
