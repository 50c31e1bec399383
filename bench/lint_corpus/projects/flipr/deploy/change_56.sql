-- Deploy flipr:change_56 to pg

BEGIN;

ALTER TABLE f_tax_rates VALIDATE CONSTRAINT f_tax_rates_f_coupon_link_id_fkey;

COMMIT;
