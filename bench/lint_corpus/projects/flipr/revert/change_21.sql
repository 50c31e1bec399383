-- Revert flipr:change_21 from pg

BEGIN;

DROP TABLE f_shipments;

COMMIT;
