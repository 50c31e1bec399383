-- Revert flipr:change_08 from pg

BEGIN;


COMMIT;
