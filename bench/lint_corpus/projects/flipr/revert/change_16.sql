-- Revert flipr:change_16 from pg

BEGIN;


COMMIT;
