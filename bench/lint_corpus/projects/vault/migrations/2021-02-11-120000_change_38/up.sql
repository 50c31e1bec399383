ALTER TABLE v_coupons ADD COLUMN position integer;
