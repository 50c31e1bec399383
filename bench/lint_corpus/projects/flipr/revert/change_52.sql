-- Revert flipr:change_52 from pg

BEGIN;

ALTER TABLE f_carts DROP CONSTRAINT f_carts_updated_at_not_null;

COMMIT;
