-- Deploy flipr:change_53 to pg

BEGIN;

ALTER TABLE f_carts VALIDATE CONSTRAINT f_carts_updated_at_not_null;

COMMIT;
