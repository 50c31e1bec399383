-- Revert flipr:change_45 from pg

BEGIN;

DROP VIEW f_addresses_summary;
DROP INDEX idx_f_carts_id;

COMMIT;
