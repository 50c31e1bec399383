ALTER TABLE v_coupons ADD COLUMN v_price_list_ref_id bigint;
ALTER TABLE v_coupons ADD CONSTRAINT v_coupons_v_price_list_ref_id_fkey FOREIGN KEY (v_price_list_ref_id) REFERENCES v_price_lists (id);
ALTER TABLE v_suppliers ADD COLUMN state text;
UPDATE v_suppliers SET state = 'active' WHERE state IS NULL;
ALTER TABLE v_suppliers ALTER COLUMN state SET NOT NULL;
