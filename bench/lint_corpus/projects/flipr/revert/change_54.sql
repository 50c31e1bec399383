-- Revert flipr:change_54 from pg

BEGIN;

ALTER TABLE f_carts DROP CONSTRAINT f_carts_updated_at_not_null_v;

COMMIT;
