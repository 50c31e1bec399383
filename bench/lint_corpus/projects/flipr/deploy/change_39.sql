-- Deploy flipr:change_39 to pg

BEGIN;

ALTER TABLE f_coupons ADD COLUMN f_addresse_ref_id bigint;
ALTER TABLE f_coupons ADD CONSTRAINT f_coupons_f_addresse_ref_id_fkey FOREIGN KEY (f_addresse_ref_id) REFERENCES f_addresses (id);

COMMIT;
