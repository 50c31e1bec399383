-- Revert flipr:change_33 from pg

BEGIN;

ALTER TABLE f_orders DROP COLUMN f_addresse_link_id;

COMMIT;
