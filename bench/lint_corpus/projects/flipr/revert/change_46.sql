-- Revert flipr:change_46 from pg

BEGIN;


COMMIT;
