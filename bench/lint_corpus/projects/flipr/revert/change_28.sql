-- Revert flipr:change_28 from pg

BEGIN;

DROP TRIGGER f_shipments_set_updated_at ON f_shipments;

COMMIT;
