-- Deploy flipr:change_52 to pg

BEGIN;

ALTER TABLE f_carts ADD CONSTRAINT f_carts_updated_at_not_null CHECK (updated_at IS NOT NULL) NOT VALID;

COMMIT;
