-- Deploy flipr:change_55 to pg

BEGIN;

ALTER TABLE f_tax_rates ADD COLUMN f_coupon_link_id bigint;
ALTER TABLE f_tax_rates ADD CONSTRAINT f_tax_rates_f_coupon_link_id_fkey FOREIGN KEY (f_coupon_link_id) REFERENCES f_coupons (id) NOT VALID;

COMMIT;
