-- Deploy flipr:change_29 to pg

BEGIN;

ALTER TABLE f_coupons ADD COLUMN archived_at timestamptz;

COMMIT;
