-- Deploy flipr:change_54 to pg

BEGIN;

ALTER TABLE f_carts ADD CONSTRAINT f_carts_updated_at_not_null_v CHECK (updated_at IS NOT NULL) NOT VALID;
ALTER TABLE f_carts VALIDATE CONSTRAINT f_carts_updated_at_not_null_v;

COMMIT;
