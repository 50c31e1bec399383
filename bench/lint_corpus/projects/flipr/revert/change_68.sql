-- Revert flipr:change_68 from pg

BEGIN;

DROP TABLE f_subscriptions;

COMMIT;
