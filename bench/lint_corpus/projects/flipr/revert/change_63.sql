-- Revert flipr:change_63 from pg

BEGIN;


COMMIT;
