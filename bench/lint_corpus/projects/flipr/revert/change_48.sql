-- Revert flipr:change_48 from pg

BEGIN;

ALTER TABLE f_addresses DROP COLUMN amount_cents;

COMMIT;
