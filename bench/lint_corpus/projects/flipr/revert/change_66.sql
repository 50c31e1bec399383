-- Revert flipr:change_66 from pg

BEGIN;

DROP TABLE f_notifications;

COMMIT;
