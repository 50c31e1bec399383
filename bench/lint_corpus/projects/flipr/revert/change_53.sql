-- Revert flipr:change_53 from pg

BEGIN;


COMMIT;
