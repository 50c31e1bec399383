-- Revert flipr:change_58 from pg

BEGIN;

ALTER TABLE f_suppliers DROP COLUMN state;
DROP TABLE f_webhooks;

COMMIT;
