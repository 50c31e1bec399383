ALTER TABLE v_suppliers DROP COLUMN state;
ALTER TABLE v_coupons DROP COLUMN v_price_list_ref_id;
