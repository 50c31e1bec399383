-- Deploy flipr:change_48 to pg

BEGIN;

ALTER TABLE f_addresses ADD COLUMN amount_cents bigint;

COMMIT;
